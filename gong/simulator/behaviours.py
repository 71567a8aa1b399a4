"""Observable behaviours the simulator plants in transcripts, per coaching dimension.

A simulated rep at level 5 on a dimension shows many positive behaviours and no negative ones; at level 1 the
reverse. The shipped default rubrics (knowledgebase/defaults/rubrics/) describe the same behaviours as
observable indicators in their own words; the demo (`seed_knowledgebase --demo`) adds the cue phrases below as
their `keywords` (knowledgebase/defaults/demo/indicators.yaml), so the offline analyzer can see them. A real
deployment's rubrics never carry them. The phrases are ordinary sales language (SPIN / MEDDPICC discovery, LAER
objection handling, Gong's published interaction ranges), not secret markers.
"""

from __future__ import annotations

DISCOVERY_POSITIVE = (
    "Walk me through how your team handles that today.",
    "What happens today when a report is wrong?",
    "How does that affect your quarterly targets?",
    "What would it mean for the business if that problem went away?",
    "What is driving the timing on this project?",
    "Who else is involved in the decision?",
    "How are you measuring success for this initiative?",
    "What happens if nothing changes this year?",
    "Tell me more about how the data gets from the product into the warehouse.",
    "How do you decide between building this yourselves and buying?",
    "What does the approval process look like on your side?",
    "What have you already tried to fix it?",
)

DISCOVERY_NEGATIVE = (
    "Let me just jump straight into the demo.",
    "Do you have budget for this, yes or no?",
    "I think I already know what you need.",
    "Our product does all of that, so you are covered.",
    "Anyway, moving on to our features.",
)

OBJECTIONS = (
    "Honestly this seems expensive compared to what we pay now.",
    "We already use Mixpoint and it mostly works.",
    "We do not have budget for this until next quarter.",
    "I am worried the implementation will drag on for months.",
    "Our security team is going to push back on another vendor.",
    "Amplifyr quoted us something much cheaper.",
)

# LAER: Listen (let the customer finish; measured as patience), Acknowledge, Explore, Respond.
OBJECTION_ACKNOWLEDGE = (
    "I hear you, that is a fair concern.",
    "That makes sense, a lot of teams feel that way at first.",
    "Thanks for being direct about that.",
)
OBJECTION_EXPLORE = (
    "Help me understand what is behind that.",
    "When you say expensive, compared to what?",
    "What would need to be true for this to be worth it?",
    "Is it the total cost or the timing of the spend?",
)
OBJECTION_RESPOND = (
    "Other customers in your situation started on Growth and cut reporting time in half.",
    "What we have seen is that teams recover the cost within two quarters.",
    "Would it help if I put together a rollout plan with your security team?",
)
OBJECTION_NEGATIVE = (
    "That is just not true, you are wrong about that.",
    "Our price is our price, there is nothing I can do.",
    "Don't worry about that, let's move on.",
    "Every competitor is worse than us anyway.",
)

ENGAGEMENT_POSITIVE = (
    "Does that make sense for your team?",
    "So what I am hearing is that reporting speed matters most, is that right?",
    "What questions do you have so far?",
    "Let's book a follow up with your data lead for Thursday.",
    "I will send a summary with next steps today.",
)
ENGAGEMENT_NEGATIVE = (
    "As I was saying before, let me keep going.",
    "Hold your questions until the end please.",
    "I will just keep talking through the slides.",
)

# Product knowledge: precise statements of facts come from product.FACTS (right vs wrong). Besides those:
PRODUCT_POSITIVE = (
    "Let me be precise about what is included in each plan.",
    "Good question, that is covered in our security documentation, and I can share it.",
)
PRODUCT_NEGATIVE = (
    "I think it does that, probably, I am not totally sure.",
    "I would have to guess on that one.",
)

# Filler the customer says in reply, and rep small talk, so transcripts read like conversations.
CUSTOMER_STORY = (
    "Right now we export everything to spreadsheets every Monday and it takes my analyst most of the day.",
    "Last quarter we missed a churn signal because the dashboard was three days behind.",
    "Our VP wants one number for activation and today three teams report three different numbers.",
    "We tried building it in house two years ago but the engineer who owned it left.",
    "The board asked for cohort retention by region and we could not produce it in time.",
)
CUSTOMER_ACK = ("Okay.", "Sure.", "Makes sense.", "Right.", "Yeah, that's fair.", "Got it.")
REP_PITCH = (
    "Beacon gives product and revenue teams one place to see activation, retention and expansion.",
    "You connect your product events once and every team works from the same definitions.",
    "Dashboards refresh continuously, so nobody waits for a Monday export.",
    "Cohorts, funnels and retention views come out of the box, and you can build your own.",
    "Alerts fire when a key account's usage drops, so customer success hears about it first.",
)
