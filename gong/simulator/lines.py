"""Neutral conversation the simulator fills calls with, between the planted behaviours of behaviours.py.

Nothing here is a coaching cue: rep lines are statements (questions would count as discovery or engagement),
none of them hedges, pushes back, or checks in. Keep it that way, or planted levels stop being measurable.
"""

from __future__ import annotations

REP_OPENING = (
    "Thanks for making the time today.",
    "Good to see everyone, thanks for joining.",
    "Thanks for having us, I know the week is busy.",
)
CUSTOMER_OPENING = ("Happy to be here.", "Thanks, good to see you too.", "Sure, we have the full slot today.")
REP_AGENDA = (
    "I put together a short agenda and shared it in the invite.",
    "The plan is to cover your goals first and then look at the product together.",
    "We have the full slot, and I will keep the last few minutes for scheduling.",
)
REP_ACK = ("Understood.", "That helps, thank you.", "Good to know.", "Okay, noted.", "That is useful context.")
REP_DEMO = (
    "Here is the activation dashboard for a sample workspace.",
    "This chart breaks retention down by signup month.",
    "You can filter any view by plan, region or account owner.",
    "Each event carries the account id, so rollups by account happen automatically.",
    "The funnel view shows where trial users drop off between signup and first report.",
    "Saved views can be shared with a link, and they stay in sync with the definitions.",
    "Admins decide who can edit metric definitions and who can only view them.",
    "The event catalog lists every property we have received in the last thirty days.",
    "Alerts can go to Slack or email, and each one links back to the chart that fired it.",
    "Segments update continuously as new events arrive.",
    "This is the expansion view, it highlights accounts whose usage is growing fastest.",
    "Here you see the same cohort split by the plan they started on.",
    "Every chart has a notes panel so the team can record why a number moved.",
    "The home page is configurable per team, so sales and product each see their own metrics.",
)
SE_TECH = (
    "The SDK batches events in the browser and retries when the network drops.",
    "Identity resolution merges anonymous visits with the known user once they sign in.",
    "Schemas are versioned, so renaming a property does not break older charts.",
    "We usually recommend starting with the twenty events that matter most and growing from there.",
    "The warehouse connector writes into a dedicated schema that your team owns.",
    "Server side events can come in through the REST endpoint or through Segment.",
    "Every definition is stored as code as well, so changes can go through review.",
    "Sampling is off by default, every event is counted.",
    "Backfills run from your warehouse tables, so history is available on day one.",
    "The admin console shows ingestion volume per source, which helps spot a broken tracker quickly.",
    "Personal data fields can be masked at ingestion, so analysts never see them.",
    "Audit logs record every change to a definition, with who made it and when.",
)
REP_ACCOUNT = (
    "Your team added twelve seats since our last review.",
    "Weekly active users are up eighteen percent quarter over quarter.",
    "The support queue shows two open tickets, both minor.",
    "The marketing team started using the cohort views last month.",
    "Your usage of alerts doubled after the last training session.",
    "The renewal date is at the end of next month, and the paperwork is ready on our side.",
    "Three of your product managers now build their own dashboards each week.",
    "We shipped the Slack digest you asked for in the last quarter.",
)
REP_NEGOTIATION = (
    "I sent over the order form yesterday with the terms we discussed.",
    "The proposal covers fifty seats on Growth with an annual term.",
    "Our legal team already reviewed the data processing addendum you sent.",
    "The quote is valid until the end of the month.",
    "Onboarding would start the week after signature.",
    "The security questionnaire is complete and attached to the proposal.",
)
WORKSHOP = (
    "Let's map the signup events first, then move on to activation.",
    "Next we define what counts as an active account for your business.",
    "This property should be sent on every event, so I will add it to the shared spec.",
    "I am writing the tracking plan into the shared document as we go.",
    "For this step, the data team creates the warehouse schema and grants our service account access.",
    "Now we configure the first three dashboards from the definitions we just agreed.",
    "We will validate these numbers against your finance report before anyone relies on them.",
    "The same definition will drive the alert we set up for accounts with falling usage.",
    "Let's take the billing events next, they come from the backend.",
    "I will record each decision in the implementation log so nothing gets lost.",
)
CUSTOMER_DETAIL = (
    "We have about forty people who would use this every day.",
    "Our data team is three engineers and one analyst.",
    "Most of our events come from the web app today.",
    "Mobile is about a third of our traffic.",
    "Leadership reviews activation numbers every Monday morning.",
    "We close the books on the fifth business day of the month.",
    "Our product managers mostly live in spreadsheets right now.",
    "We moved to Snowflake about a year ago.",
    "The sales team uses Salesforce and customer success uses a separate tool.",
    "We launched in two new regions this year.",
    "Our trial converts at around twelve percent today.",
    "Most of our customers are mid sized companies in retail and logistics.",
)
CUSTOMER_ELABORATION = (
    "It means the whole team spends Monday reconciling numbers instead of acting on them.",
    "And when the numbers disagree, nobody trusts any of them.",
    "We have raised it with leadership twice already this year.",
    "The analysts are frustrated because they feel like report builders instead of analysts.",
    "Our head of product said it is the biggest blocker for the planning cycle.",
    "We lost a renewal last year partly because we saw the usage drop too late.",
    "It also makes board preparation a very long week for everyone.",
    "And every new hire learns a slightly different definition of an active user.",
)
CUSTOMER_QUESTIONS = (
    "Can you show me how the funnel view works?",
    "Can we export these charts into our slides?",
    "How do permissions work for contractors?",
    "Is there a way to compare two cohorts side by side?",
    "Can the alerts go to a shared channel?",
    "Could we see how a dashboard looks for a single account?",
)
CUSTOMER_OBJECTION_DETAIL = (
    "We signed a two year deal with them last year, so switching has a real cost.",
    "The last rollout we did took two quarters and the team still remembers it.",
    "Finance has already frozen new spend for this half.",
    "Our security review alone usually takes six weeks.",
    "The other quote was about thirty percent lower for the same number of seats.",
)
CUSTOMER_ACCOUNT = (
    "Adoption in the marketing team has been slower than we hoped.",
    "The new dashboards are used in every Monday review now.",
    "We would like more people in the finance team to get access.",
    "The alert on falling usage caught two at risk accounts last month.",
    "Our new data lead wants to consolidate tools this year.",
)
CUSTOMER_WORKSHOP = (
    "We send signup from the backend, not from the browser.",
    "Our account id is called workspace id in the product database.",
    "Finance counts an account as active only after the first invoice.",
    "We have two billing systems because of an acquisition, so that will need care.",
    "The mobile team releases every two weeks, so tracking changes go out on that schedule.",
    "We would like the staging environment to send to a separate project.",
)
REP_CLOSING = ("Thanks everyone, talk soon.", "Thanks again for the time today.", "Great, thank you all.")
CUSTOMER_CLOSING = ("Thanks, this was helpful.", "Thank you, talk soon.", "Great, thanks.")
REP_VAGUE_NEXT = ("Okay, I will be in touch at some point.", "Alright, we can figure out the next part later.")
PRODUCT_HEDGE_PROMPTS = (
    "Does it work with our on premise Oracle database?",
    "Is there an offline mode for field teams?",
    "Can we run it inside our own cloud account?",
    "Does the mobile SDK support Flutter?",
)

INTERNAL_MANAGER = (
    "Let's go through the commit deals for this quarter.",
    "I want to spend a few minutes on the deals that slipped.",
    "Please update the close dates in the CRM after this meeting.",
    "Let's look at pipeline coverage for next quarter.",
    "Good progress this week, keep the notes in the opportunity up to date.",
)
INTERNAL_REP = (
    "The Acme Logistics deal is waiting on their security review.",
    "Globex Health moved their decision to next month.",
    "I have two new discovery calls booked for next week.",
    "Hooli Cloud asked for a second demo with their data team.",
    "The Initech Finance paperwork is with their legal team.",
    "I need help from solutions engineering on the Tyrell Robotics evaluation.",
    "Pipeline for next quarter is light, I am working on it.",
    "Wayne Media expanded by ten seats, the order form is signed.",
)

TOPICS = {
    "pricing": "Pricing",
    "security": "Security",
    "compliance": "Security",
    "data residency": "Security",
    "reliability": "Security",
    "data retention": "Pricing",
    "integrations": "Integrations",
    "trial": "Pricing",
    "implementation": "Implementation",
    "API": "Integrations",
}
