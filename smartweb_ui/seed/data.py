"""Fixed word lists, catalogs and org/pipeline specs for the demo seed (no logic, no I/O)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

DEMO_PASSWORD = "smartweb-demo"

LOST_REASONS = [
    "Price too high",
    "Went with competitor",
    "No budget",
    "Timing",
    "No response",
    "Chose to do in-house",
]
COMPETITORS = [
    "LocalEdge Marketing",
    "BrightPath Digital",
    "ContractorPro Sites",
    "TradeBoost Media",
    "HomeServ Leads",
]
LEAD_TAGS = [
    "commercial",
    "residential",
    "emergency",
    "multi-location",
    "referral",
    "24-7",
    "new-construction",
    "fleet",
    "seasonal",
    "high-ticket",
]

# (email local part, first, last, role, job title); the email domain comes from the org spec.
DEMO_USERS = [
    ("admin", "Avery", "Quinn", "Admin", "Sales Operations Admin"),
    ("manager", "Morgan", "Reyes", "Sales Manager", "Sales Manager"),
    ("rep", "Jordan", "Blake", "Sales Rep", "Account Executive"),
    ("rep2", "Casey", "Nguyen", "Sales Rep", "Account Executive"),
    ("exec", "Taylor", "Brooks", "Executive", "VP of Sales"),
]
DEMO_EXTRA_REPS = [  # added only when scale > 1
    ("rep3", "Riley", "Park", "Sales Rep", "Account Executive"),
    ("rep4", "Sam", "Ortiz", "Sales Rep", "Sales Development Rep"),
]
RIVAL_USERS = [
    ("manager", "Dana", "Whitfield", "Sales Manager", "Sales Manager"),
    ("rep", "Chris", "Patel", "Sales Rep", "Estimator"),
]
DEMO_DOMAIN, RIVAL_DOMAIN = "demo.smartweb.test", "rival.smartweb.test"


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of every seeded sign-in, as ``make run`` prints them (scale 1)."""
    return [(f"{u[0]}@{DEMO_DOMAIN}", u[3]) for u in DEMO_USERS] + [
        (f"{u[0]}@{RIVAL_DOMAIN}", f"{u[3]} (Rival Roofing)") for u in RIVAL_USERS
    ]


# Stage spec: (name, probability %, rotting_days, wip_limit, color, kind) — kind open|won|lost.
Stage = tuple[str, int, int | None, int | None, str, str]
NEW_BUSINESS: list[Stage] = [
    ("Qualification", 10, 7, None, "gray", "open"),
    ("Discovery", 20, 10, None, "blue", "open"),
    ("Site Visit", 35, 14, 20, "cyan", "open"),
    ("Proposal Sent", 55, 10, 12, "amber", "open"),
    ("Negotiation", 75, 14, 10, "orange", "open"),
    ("Won", 100, None, None, "green", "won"),
    ("Lost", 0, None, None, "red", "lost"),
]
RENEWALS: list[Stage] = [
    ("Renewal Due", 20, 14, None, "gray", "open"),
    ("Account Review", 40, 14, None, "blue", "open"),
    ("Upsell Proposed", 60, 10, None, "amber", "open"),
    ("Verbal Commit", 85, 7, None, "orange", "open"),
    ("Won", 100, None, None, "green", "won"),
    ("Lost", 0, None, None, "red", "lost"),
]
ROOFING_SALES: list[Stage] = [
    ("Lead In", 10, 5, None, "gray", "open"),
    ("Inspection", 30, 7, None, "blue", "open"),
    ("Estimate Sent", 50, 10, None, "amber", "open"),
    ("Negotiation", 75, 10, None, "orange", "open"),
    ("Won", 100, None, None, "green", "won"),
    ("Lost", 0, None, None, "red", "lost"),
]

# Pipeline spec: name, description, stages, deals per stage at scale 1, proposal stage, packages.
PIPELINES_DEMO: list[dict[str, Any]] = [
    {
        "name": "New Business",
        "description": "First sale to a trade business: from qualification to signed contract.",
        "stages": NEW_BUSINESS,
        "deals": {"Qualification": 12, "Discovery": 11, "Site Visit": 12, "Proposal Sent": 16,
                  "Negotiation": 9, "Won": 28, "Lost": 22},
        "proposal_stage": "Proposal Sent",
        "packages": ["Local SEO + Google Ads", "Website Rebuild", "Full Marketing Retainer",
                     "Website + SEO Bundle", "Google Ads Management", "Local Services Ads",
                     "Review Management Program", "Lead Gen Starter"],
        "value_range": (2500, 120000),
    },
    {
        "name": "Renewals & Upsell",
        "description": "Existing customers: contract renewals and add-on services.",
        "stages": RENEWALS,
        "deals": {"Renewal Due": 7, "Account Review": 6, "Upsell Proposed": 6,
                  "Verbal Commit": 5, "Won": 10, "Lost": 6},
        "proposal_stage": "Upsell Proposed",
        "packages": ["Annual Renewal", "Upsell: Google Ads", "Upsell: Review Management",
                     "Upsell: AI Web Chat", "Renewal + Second Location"],
        "value_range": (2500, 40000),
    },
]  # fmt: skip
PIPELINES_RIVAL: list[dict[str, Any]] = [
    {
        "name": "Roofing Sales",
        "description": "Residential and commercial roofing jobs.",
        "stages": ROOFING_SALES,
        "deals": {"Lead In": 3, "Inspection": 4, "Estimate Sent": 4, "Negotiation": 2,
                  "Won": 4, "Lost": 3},
        "proposal_stage": None,
        "packages": ["Roof Replacement", "Storm Damage Repair", "Gutter Package",
                     "Commercial Re-roof"],
        "value_range": (4000, 60000),
    },
]  # fmt: skip

# Metro areas: (city, state, timezone, area codes, latitude, longitude, zip prefix, weight).
METROS: list[tuple[str, str, str, tuple[str, ...], float, float, str, int]] = [
    ("Dallas", "TX", "America/Chicago", ("214", "469", "972"), 32.7767, -96.7970, "752", 9),
    ("Fort Worth", "TX", "America/Chicago", ("817", "682"), 32.7555, -97.3308, "761", 5),
    ("Houston", "TX", "America/Chicago", ("713", "281", "832"), 29.7604, -95.3698, "770", 9),
    ("Austin", "TX", "America/Chicago", ("512", "737"), 30.2672, -97.7431, "787", 7),
    ("San Antonio", "TX", "America/Chicago", ("210", "726"), 29.4241, -98.4936, "782", 6),
    ("Oklahoma City", "OK", "America/Chicago", ("405",), 35.4676, -97.5164, "731", 4),
    ("Tulsa", "OK", "America/Chicago", ("918",), 36.1540, -95.9928, "741", 3),
    ("Chicago", "IL", "America/Chicago", ("312", "773", "872"), 41.8781, -87.6298, "606", 8),
    ("Naperville", "IL", "America/Chicago", ("630", "331"), 41.7508, -88.1535, "605", 3),
    ("St. Louis", "MO", "America/Chicago", ("314",), 38.6270, -90.1994, "631", 4),
    ("Kansas City", "MO", "America/Chicago", ("816",), 39.0997, -94.5786, "641", 4),
    ("Omaha", "NE", "America/Chicago", ("402",), 41.2565, -95.9345, "681", 2),
    ("Minneapolis", "MN", "America/Chicago", ("612", "763"), 44.9778, -93.2650, "554", 4),
    ("Milwaukee", "WI", "America/Chicago", ("414",), 43.0389, -87.9065, "532", 3),
    ("Nashville", "TN", "America/Chicago", ("615", "629"), 36.1627, -86.7816, "372", 5),
    ("Memphis", "TN", "America/Chicago", ("901",), 35.1495, -90.0490, "381", 3),
    ("New Orleans", "LA", "America/Chicago", ("504",), 29.9511, -90.0715, "701", 3),
    ("Baton Rouge", "LA", "America/Chicago", ("225",), 30.4515, -91.1871, "708", 2),
    ("Little Rock", "AR", "America/Chicago", ("501",), 34.7465, -92.2896, "722", 2),
    ("Birmingham", "AL", "America/Chicago", ("205",), 33.5186, -86.8104, "352", 2),
    ("Wichita", "KS", "America/Chicago", ("316",), 37.6872, -97.3301, "672", 2),
    ("Des Moines", "IA", "America/Chicago", ("515",), 41.5868, -93.6250, "503", 2),
    ("Denver", "CO", "America/Denver", ("303", "720"), 39.7392, -104.9903, "802", 4),
    ("Phoenix", "AZ", "America/Phoenix", ("602", "480", "623"), 33.4484, -112.0740, "850", 5),
    ("Atlanta", "GA", "America/New_York", ("404", "678", "770"), 33.7490, -84.3880, "303", 5),
    ("Tampa", "FL", "America/New_York", ("813",), 27.9506, -82.4572, "336", 4),
    ("Orlando", "FL", "America/New_York", ("407", "321"), 28.5383, -81.3792, "328", 4),
    ("Charlotte", "NC", "America/New_York", ("704", "980"), 35.2271, -80.8431, "282", 3),
    ("Indianapolis", "IN", "America/Indiana/Indianapolis", ("317",), 39.7684, -86.1581, "462", 3),
    ("Columbus", "OH", "America/New_York", ("614",), 39.9612, -82.9988, "432", 3),
]
RIVAL_METROS = ["Houston", "Austin", "San Antonio", "Dallas"]

# Trade words per business type (enum value) used to build company names, and their weights.
TRADE_WORDS: dict[str, list[str]] = {
    "plumbing": ["Plumbing", "Plumbing & Heating", "Plumbing & Drain", "Rooter", "Plumbing Services"],
    "hvac": ["Heating & Air", "HVAC", "Air Conditioning", "Comfort Systems", "Heating & Cooling"],
    "roofing": ["Roofing", "Roofing & Exteriors", "Roof Repair", "Roofing & Gutters"],
    "electrical": ["Electric", "Electrical Services", "Electrical Contractors", "Electric & Solar"],
    "general_contractor": ["Construction", "Builders", "Contracting", "Remodeling", "Home Improvement"],
    "landscaping": ["Landscaping", "Lawn & Landscape", "Outdoor Living", "Tree & Lawn"],
    "painting": ["Painting", "Painting & Drywall", "Coatings", "Painting Co."],
    "pest_control": ["Pest Control", "Exterminating", "Termite & Pest", "Pest Solutions"],
    "other": ["Pool Services", "Garage Doors", "Handyman Services", "Fencing", "Septic Services", "Window Cleaning"],
}  # fmt: skip
TRADE_WEIGHTS = {
    "plumbing": 18,
    "hvac": 18,
    "roofing": 15,
    "electrical": 12,
    "general_contractor": 10,
    "landscaping": 8,
    "painting": 7,
    "pest_control": 6,
    "other": 6,
}
TRADE_NOUN = {
    "plumbing": "plumbing",
    "hvac": "HVAC",
    "roofing": "roofing",
    "electrical": "electrical",
    "general_contractor": "remodeling",
    "landscaping": "landscaping",
    "painting": "painting",
    "pest_control": "pest control",
    "other": "home services",
}
LICENSE_CODES = {
    "plumbing": "PL",
    "hvac": "ME",
    "roofing": "RC",
    "electrical": "EC",
    "general_contractor": "GC",
    "landscaping": "LC",
    "painting": "PC",
    "pest_control": "PCO",
    "other": "HS",
}
NAME_ADJECTIVES = [
    "Apex", "Summit", "Premier", "Reliable", "Blue Ribbon", "Lone Star", "Precision", "Patriot",
    "Heartland", "Allied", "Advantage", "Cornerstone", "Eagle", "Pioneer", "Superior", "Trusted",
    "Express", "Elite", "Northside", "Southern", "Frontier", "Midwest", "Red River", "Prairie",
    "Liberty", "Ironclad", "Evergreen", "Golden", "All-Pro", "Hometown", "Five Star", "Clearwater",
]  # fmt: skip
NAME_SUFFIXES = ["", "", "", " LLC", " LLC", " Inc.", " Co.", " & Sons", " Pros", " Experts"]
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"]
TLDS = [".com", ".com", ".com", ".com", ".net", ".co", ".pro"]
STREET_TYPES = ["St", "Ave", "Rd", "Dr", "Blvd", "Ln", "Pkwy", "Way", "Ct", "Hwy"]
STREET_WORDS = [
    "Main", "Oak", "Elm", "Cedar", "Pine", "Maple", "Park", "Lake", "Hill", "Industrial",
    "Commerce", "Mill", "Ridge", "Meadow", "Walnut", "Willow", "Market", "Trinity", "Preston",
]  # fmt: skip

# Product catalog: sku, name, category, unit, unit price, cost, tax rate %, recurring.
PRODUCTS: list[tuple[str, str, str, str, str, str, str, bool]] = [
    ("SEO-LOCAL", "Local SEO Package", "SEO", "monthly", "1200.00", "420.00", "0", True),
    ("SEO-PRO", "Local SEO Pro (multi-location)", "SEO", "monthly", "2400.00", "900.00", "0", True),
    ("GBP-OPT", "Google Business Profile Optimization", "SEO", "one_off", "750.00", "200.00", "0", False),
    ("WEB-BUILD", "Website Build (up to 10 pages)", "Web", "one_off", "6500.00", "2600.00", "0", False),
    ("WEB-LAND", "Landing Page", "Web", "one_off", "1200.00", "400.00", "0", False),
    ("WEB-CARE", "Website Care Plan", "Web", "monthly", "149.00", "40.00", "0", True),
    ("ADS-GOOG", "Google Ads Management", "Advertising", "monthly", "950.00", "300.00", "0", True),
    ("ADS-LSA", "Local Services Ads Management", "Advertising", "monthly", "600.00", "180.00", "0", True),
    ("ADS-META", "Facebook & Instagram Ads Management", "Advertising", "monthly", "750.00", "250.00", "0", True),
    ("CALL-TRK", "Call Tracking", "Tools", "monthly", "99.00", "25.00", "0", True),
    ("CALL-NUM", "Additional Tracking Number", "Tools", "monthly", "15.00", "3.00", "0", True),
    ("REV-MGMT", "Review Management", "Reputation", "monthly", "299.00", "80.00", "0", True),
    ("CHAT-AI", "AI Web Chat & After-hours Answering", "Tools", "monthly", "399.00", "120.00", "0", True),
    ("CRM-SETUP", "CRM & Online Booking Setup", "Tools", "one_off", "1500.00", "500.00", "0", False),
    ("EMAIL-MKT", "Email & SMS Marketing", "Marketing", "monthly", "350.00", "90.00", "0", True),
    ("BRAND-KIT", "Logo & Brand Kit", "Creative", "one_off", "2500.00", "900.00", "0", False),
    ("PHOTO-VID", "On-site Photo & Video Shoot", "Creative", "one_off", "1800.00", "700.00", "0", False),
    ("WRAP-DSN", "Vehicle Wrap Design & Install", "Print", "one_off", "3200.00", "1900.00", "8.25", False),
    ("PRINT-DH", "Printed Door Hangers (5,000)", "Print", "one_off", "950.00", "480.00", "8.25", False),
    ("YARD-SGN", "Yard Signs (100)", "Print", "one_off", "650.00", "300.00", "8.25", False),
    ("AUDIT", "Marketing Audit & Strategy Session", "Consulting", "one_off", "495.00", "100.00", "0", False),
]  # fmt: skip
ZERO = Decimal("0")

CONTACT_ROLES = ["owner", "office manager", "general manager", "operations manager", "co-owner"]
CALL_OUTCOMES = [
    ("connected", 45),
    ("voicemail", 25),
    ("no_answer", 18),
    ("callback_requested", 8),
    ("wrong_person", 4),
]
CALL_NOTES = {
    "connected": [
        "Spoke with {contact} ({role}). Runs {crews} crews; most work comes from word of mouth. Interested in more {trade} calls from Google.",
        "Talked to {contact}. Current site is outdated and not mobile friendly. Wants pricing on a rebuild plus SEO.",
        "{contact} says their slow season is coming and they want to keep crews busy. Asked about Google Ads and LSA.",
        "Reviewed their Google profile with {contact}: {reviews} reviews, rating {rating}. Open to a review program.",
        "{contact} is happy with the current vendor but paying too much. Wants a side-by-side quote.",
    ],
    "voicemail": ["Left voicemail for {contact} about a free marketing audit.", "Voicemail: mentioned the {trade} lead program, asked for a callback."],
    "no_answer": ["No answer, no voicemail set up.", "Rang out. Will try again in the morning."],
    "callback_requested": ["{contact} is on a job site; asked to call back after 4pm.", "Front desk asked us to call {contact} back tomorrow morning."],
    "wrong_person": ["Reached a technician, not a decision maker. Got {contact}'s direct line."],
}  # fmt: skip
EMAIL_SUBJECTS = [
    "Quick question about {company}'s Google listing",
    "More {trade} calls this season",
    "Following up on our call",
    "Your free marketing audit",
    "Pricing for {company}",
    "Case study: how a {trade} company doubled booked jobs",
    "Re: website and SEO options",
]
EMAIL_BODY = (
    "Hi {contact},\n\nThanks for your time. As promised, here is a short summary of how we help "
    "{trade} companies in {city} book more jobs from Google: a faster website, a tuned Google "
    "Business Profile and ads that only run in your service area.\n\nWould {day} work for a "
    "15-minute call?\n\nBest,\n{rep}"
)
MEETING_SUBJECTS = ["Site visit – {company}", "Discovery call with {contact}", "Proposal walkthrough – {company}", "Quarterly review – {company}"]  # fmt: skip
MEETING_LOCATIONS = ["On site", "Zoom", "Google Meet", "Phone", "Our office"]
NOTES = [
    "Decision maker is {contact}; spouse handles the books.",
    "Busy season is {season}. Best time to reach them is before 8am.",
    "Uses a paper calendar for dispatch; good fit for online booking.",
    "Competitor {competitor} pitched them last year; they did not like the long contract.",
    "Has {crews} trucks; interested in a vehicle wrap refresh.",
    "Wants everything in writing before a site visit.",
]
SMS_TEXTS = [
    "Hi {contact}, it's {rep} from SmartWeb. Still good for our call tomorrow?",
    "Thanks {contact}! Sent the proposal to your email.",
    "Hi {contact}, quick reminder about the audit results. Reply STOP to opt out.",
]
SEASONS = ["spring", "summer", "fall", "winter"]

TASK_TITLES_LEAD = [
    "Call {company} back",
    "First call to {company}",
    "Send intro email to {company}",
    "Research {company}'s Google profile",
    "Follow up with {contact} at {company}",
    "Book a site visit with {company}",
]
TASK_TITLES_DEAL = [
    "Send proposal to {company}",
    "Follow up on proposal – {company}",
    "Prep for negotiation call – {company}",
    "Get signed contract from {company}",
    "Confirm budget with {contact}",
    "Schedule kickoff for {company}",
]

ENRICHMENT_PROVIDERS = ["google_places", "opencorporates", "builtwith"]

CAMPAIGNS: list[dict[str, Any]] = [
    {
        "name": "Spring HVAC Tune-up Outreach",
        "description": "Call HVAC companies before the cooling season to offer a Google Ads + LSA package.",
        "status": "running",
        "goal": "Book 15-minute strategy calls with HVAC owners",
        "offer": "a Google Ads + Local Services Ads package for the cooling season",
        "trade": "hvac",
        "calls": 60,
        "start_days_ago": 18,
        "length_days": 45,
        "statuses": {"completed": 50, "no_answer": 15, "voicemail": 15, "failed": 5, "queued": 11, "dialing": 2, "in_progress": 2},
    },
    {
        "name": "Roofing Storm Follow-up",
        "description": "After the spring hail storms, call roofers about storm-season lead generation.",
        "status": "completed",
        "goal": "Qualify roofers who want storm-damage leads",
        "offer": "storm-season lead generation for roofers",
        "trade": "roofing",
        "calls": 50,
        "start_days_ago": 150,
        "length_days": 21,
        "statuses": {"completed": 60, "no_answer": 18, "voicemail": 17, "failed": 5},
    },
]  # fmt: skip
AI_OUTCOMES = [
    ("interested", 24),
    ("meeting_booked", 18),
    ("callback", 16),
    ("not_interested", 30),
    ("wrong_number", 6),
    ("do_not_call", 6),
]
AI_SENTIMENT = {  # outcome -> (sentiment, low score, high score)
    "interested": ("positive", 0.35, 0.85),
    "meeting_booked": ("positive", 0.55, 0.95),
    "callback": ("neutral", -0.1, 0.35),
    "not_interested": ("negative", -0.7, -0.05),
    "wrong_number": ("neutral", -0.1, 0.1),
    "do_not_call": ("negative", -0.95, -0.6),
}
AI_SCRIPT = (
    "Introduce yourself as Ava, the SmartWeb assistant. Confirm you are speaking with the owner. "
    "Mention {offer}. Ask how they get most of their jobs today. If interested, offer a 15-minute "
    "call with a specialist and book it. Respect any request not to be called again."
)
AI_OPENING = [
    "Agent: Hi, this is Ava, an assistant calling for SmartWeb. Am I speaking with the owner of {company}?",
    "Customer: Yeah, this is {contact}. What's this about?",
    "Agent: We help {trade} companies in {city} get more booked jobs from Google. How do most of your customers find you today?",
]
AI_ENDINGS = {
    "interested": ["Customer: Mostly referrals, honestly. Google has been hit or miss.", "Agent: That's common. Would it help to see what your competitors are doing online?", "Customer: Sure, send me something.", "Agent: Great, I'll email an overview today."],
    "meeting_booked": ["Customer: Word of mouth, and we just lost a big builder account.", "Agent: Would a 15-minute call with a specialist this week help?", "Customer: Thursday morning works.", "Agent: You're booked for Thursday at 9. You'll get a confirmation text."],
    "callback": ["Customer: I'm on a roof right now. Call me back next week.", "Agent: No problem. Is Tuesday afternoon better?", "Customer: Tuesday's fine."],
    "not_interested": ["Customer: We're booked out for months, we don't need more work.", "Agent: Understood. Can I check back in the off-season?", "Customer: I don't think so. Thanks."],
    "wrong_number": ["Customer: This isn't a business, you have the wrong number.", "Agent: Sorry about that, I'll update our records."],
    "do_not_call": ["Customer: Take me off your list.", "Agent: Of course. You won't be called again."],
}  # fmt: skip
AI_SUMMARIES = {
    "interested": "Owner {contact} is interested; relies on referrals. Send an overview by email.",
    "meeting_booked": "Booked a strategy call with {contact}. Lost a builder account, wants more leads.",
    "callback": "{contact} asked for a callback next week (on a job site).",
    "not_interested": "{contact} is not interested: booked out for months.",
    "wrong_number": "Wrong number; phone does not belong to {company}.",
    "do_not_call": "{contact} asked to be removed from call lists. Marked do-not-call.",
}
AI_NEXT_STEP = {
    "interested": "Send overview email",
    "meeting_booked": "Prepare for the strategy call",
    "callback": "Call back next week",
}
AI_ERRORS = [
    "Carrier rejected the call (invalid number)",
    "SIP 503 from telephony provider",
    "Number disconnected",
]
IMPORT_FILES = ["trade_association_members.csv", "chamber_of_commerce_2025.csv", "purchased_list_q3.xlsx"]  # fmt: skip
MEETING_NOTE = "Met with {contact} ({role}). Reviewed their Google presence and where jobs come from; agreed next steps."  # fmt: skip
TASK_NOTES = ["", "", "Contact: {contact_full} ({role})", "See the last call notes.", "Ask about their busy season ({season})."]  # fmt: skip
TECHNOLOGIES = ["WordPress", "Wix", "Google Analytics", "Facebook Pixel", "ServiceTitan", "Housecall Pro", "Jobber", "CallRail"]  # fmt: skip
CORE_SKUS = ("SEO-LOCAL", "SEO-PRO", "ADS-GOOG", "ADS-LSA", "REV-MGMT", "WEB-BUILD")
PROPOSAL_SUMMARY = "{company} wants more booked {trade} jobs in {city}. This plan puts them at the top of local search and tracks every call."  # fmt: skip
PROPOSAL_TERMS = "Monthly services are billed in advance on the stated term. One-time work: 50% deposit, balance on completion. Net 30."  # fmt: skip
PROPOSAL_SECTIONS = [{"title": "Why SmartWeb", "body": "We only work with trade businesses, and we report on booked jobs, not clicks."}]  # fmt: skip
RENEWAL_TERMS = "Renews for 12 months unless cancelled 30 days before the end date."
