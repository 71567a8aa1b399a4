"""The fictional product the simulated calls talk about: Beacon, by Lumina Labs.

This module is the simulator's ground truth. The demo's knowledge base (knowledgebase/defaults/demo/docs/, loaded
only by `seed_knowledgebase --demo`) documents the same facts in prose; the two must agree, and a test checks that
every `correct` value below appears in the doc named by `doc`. A simulated rep with low product knowledge
says `wrong` instead of `right`, which is how planted errors become detectable against the KB.

Nothing outside the simulator imports this module at run time (gong and knowledgebase are independent layers).
"""

from __future__ import annotations

from dataclasses import dataclass

SELLER = "Lumina Labs"
PRODUCT = "Beacon"


@dataclass(frozen=True)
class ProductFact:
    key: str
    topic: str  # what a customer asks about, used to build the question
    question: str  # a customer line that prompts the fact
    right: str  # what a knowledgeable rep says
    wrong: str  # what a rep with poor product knowledge says instead (a detectable error)
    correct: str  # the fact as the KB states it (a short phrase that appears verbatim in the doc)
    doc: str  # key of the KB document that holds the fact


FACTS: tuple[ProductFact, ...] = (
    ProductFact(
        key="price_growth",
        topic="pricing",
        question="What does the Growth plan cost per seat?",
        right="Growth is 89 dollars per user per month, billed annually, with a ten seat minimum.",
        wrong="Growth is 69 dollars per user per month, and there is no seat minimum at all.",
        correct="$89 per user per month",
        doc="pricing-and-packaging",
    ),
    ProductFact(
        key="price_starter",
        topic="pricing",
        question="And the entry plan, what is that priced at?",
        right="Starter is 49 dollars per user per month, billed annually.",
        wrong="Starter is 29 dollars per user per month and you can pay month to month.",
        correct="$49 per user per month",
        doc="pricing-and-packaging",
    ),
    ProductFact(
        key="sso_plans",
        topic="security",
        question="Do we get single sign-on with SAML on the entry plan?",
        right="SAML single sign-on comes with Growth and Enterprise; Starter does not include it.",
        wrong="Yes, SAML single sign-on is included on every plan, Starter too.",
        correct="SAML single sign-on is available on Growth and Enterprise",
        doc="security-and-compliance",
    ),
    ProductFact(
        key="hipaa",
        topic="compliance",
        question="We handle patient data. Will you sign a BAA for HIPAA?",
        right="We sign a HIPAA business associate agreement on the Enterprise plan only.",
        wrong="Sure, HIPAA is covered on all plans, we sign a BAA with anyone.",
        correct="HIPAA business associate agreement (BAA) on the Enterprise plan only",
        doc="security-and-compliance",
    ),
    ProductFact(
        key="data_residency",
        topic="data residency",
        question="Where would our data be hosted? We have teams in Singapore.",
        right="Data is hosted in the US or in the EU in Frankfurt; we do not have an APAC region today.",
        wrong="We have a data center in Singapore, so your data can stay in APAC.",
        correct="hosted in the United States or the European Union (Frankfurt)",
        doc="security-and-compliance",
    ),
    ProductFact(
        key="uptime_sla",
        topic="reliability",
        question="What uptime do you commit to in the contract?",
        right="The SLA is 99.9 percent on Growth and 99.95 percent on Enterprise.",
        wrong="We guarantee 99.99 percent uptime on every plan.",
        correct="99.9% uptime SLA on Growth and 99.95% on Enterprise",
        doc="security-and-compliance",
    ),
    ProductFact(
        key="retention",
        topic="data retention",
        question="How long do you keep our event history?",
        right="Starter keeps 12 months, Growth keeps 36 months, and Enterprise retention is unlimited.",
        wrong="History is unlimited on Growth, we never delete anything.",
        correct="Growth retains 36 months of event history",
        doc="pricing-and-packaging",
    ),
    ProductFact(
        key="dynamics",
        topic="integrations",
        question="Do you integrate natively with Microsoft Dynamics?",
        right="Dynamics is not a native integration; teams connect it through our REST API or Segment.",
        wrong="Yes, we have a native Dynamics connector, it is one click.",
        correct="no native Microsoft Dynamics integration",
        doc="integrations",
    ),
    ProductFact(
        key="warehouse_sync",
        topic="integrations",
        question="Can you sync with our Snowflake warehouse?",
        right="Yes, Beacon syncs both ways with Snowflake and BigQuery every 15 minutes.",
        wrong="Warehouse sync only runs once a day, overnight.",
        correct="syncs with Snowflake and BigQuery every 15 minutes",
        doc="integrations",
    ),
    ProductFact(
        key="trial",
        topic="trial",
        question="Can we try it before we commit?",
        right="There is a 14 day free trial with full Growth features.",
        wrong="We offer a 60 day free trial on anything you want.",
        correct="14-day free trial",
        doc="pricing-and-packaging",
    ),
    ProductFact(
        key="implementation",
        topic="implementation",
        question="How long does implementation usually take?",
        right="Most teams are live in two to four weeks, and Enterprise includes guided onboarding at no charge.",
        wrong="Implementation is same day for everyone, there is nothing to set up.",
        correct="live in two to four weeks",
        doc="product-overview",
    ),
    ProductFact(
        key="api_limit",
        topic="API",
        question="What are the API rate limits?",
        right="The REST API allows 1,000 requests per minute per workspace.",
        wrong="The API has no rate limits at all.",
        correct="1,000 requests per minute per workspace",
        doc="integrations",
    ),
)

COMPETITORS = {
    "Mixpoint": "cheaper entry price, but no SAML SSO and only 6 months of history",
    "Amplifyr": "strong mobile SDKs, but warehouse sync is batch-only once a day",
}

ACCOUNTS = (
    "Acme Logistics", "Globex Health", "Initech Finance", "Umbrella Retail", "Stark Manufacturing",
    "Wayne Media", "Hooli Cloud", "Vandelay Imports", "Soylent Foods", "Tyrell Robotics", "Cyberdyne Security",
    "Wonka Confections", "Oscorp Energy", "Pied Piper Data", "Massive Dynamic", "Aperture Science",
    "Black Mesa Research", "Gringotts Bank", "Monarch Travel", "Nakatomi Trading",
)  # fmt: skip

CALL_TYPES = ("discovery", "demo", "negotiation", "renewal", "technical_deep_dive", "qbr")
