"""The invented contents of the sample papers: cover sheets, sections, minutes and action logs.

Organisation and union names are real (from extractors/reference/data); everything they are
said to propose, decide or discuss is made up, in the style of the genre.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STH = "Sheffield Teaching Hospitals NHS Foundation Trust"
BOARD_PUBLIC = "Board of Directors (public)"
PACK_DATE = "12 November 2025"


@dataclass(frozen=True)
class Section:
    number: str | None
    heading: str
    paragraphs: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Paper:
    number: str
    title: str
    lead: str
    author: str
    purpose: str  # as printed on the cover sheet, e.g. "For decision"
    previously: str
    recommendation: str
    staff_side: str
    workforce: str
    equality: str
    sections: tuple[Section, ...]
    two_column: bool = False
    cover_style: str = "table"  # table | lines
    extra: dict[str, str] = field(default_factory=dict)

    def cover_rows(self, meeting: str, date: str) -> list[tuple[str, str]]:
        return [
            ("Agenda item", self.number),
            ("Title of paper", self.title),
            ("Meeting", meeting),
            ("Date of meeting", date),
            ("Executive lead", self.lead),
            ("Author", self.author),
            ("Purpose", self.purpose),
            ("Previously considered by", self.previously),
            ("Recommendation", self.recommendation),
            ("Has staff side been consulted?", self.staff_side),
            ("Workforce impact", self.workforce),
            ("Equality impact assessment", self.equality),
            *self.extra.items(),
        ]


def _s(number: str | None, heading: str, *paragraphs: str) -> Section:
    return Section(number, heading, tuple(paragraphs))


# --------------------------------------------------------------------------------------
# The Sheffield Teaching Hospitals board pack (and its agenda)
# --------------------------------------------------------------------------------------

AGENDA_OPENING: tuple[tuple[str, str, str, str, str], ...] = (
    ("1", "Welcome and apologies for absence", "Chair", "For information", "Verbal"),
    ("2", "Declarations of interest", "Chair", "For information", "Verbal"),
    ("3", "Minutes of the meeting held on 10 September 2025", "Chair", "For approval", "A"),
    ("4", "Matters arising and action log", "Company Secretary", "For assurance", "B"),
    ("5", "Chief Executive's report", "Chief Executive", "For information", "C"),
)

FINANCE = Paper(
    number="6",
    title="Finance report: month 7 2025/26",
    lead="Neil Priestley, Chief Financial Officer",
    author="Deputy Director of Finance",
    purpose="For information",
    previously="Finance and Performance Committee, 3 November 2025",
    recommendation="The Board is asked to note the financial position at month 7.",
    staff_side="Not applicable",
    workforce="None",
    equality="Not required",
    sections=(
        _s(
            "1",
            "Purpose",
            "This report sets out the Trust's income and expenditure position at the end of "
            "October 2025 (month 7) against the financial plan agreed with NHS South Yorkshire "
            "Integrated Care Board.",
        ),
        _s(
            "2",
            "Income and expenditure",
            "The Trust reports a deficit of £4.2m year to date, £0.6m better than plan. Elective "
            "income is £1.1m ahead of plan because of additional theatre sessions funded through "
            "the elective recovery fund.",
            "Non-pay expenditure is £0.9m above plan, driven by drugs costs in haematology and "
            "the price of consumables in cardiothoracic theatres.",
        ),
        _s(
            "3",
            "Cash and capital",
            "The cash balance at month 7 is £38.4m. Capital expenditure of £21.7m has been "
            "incurred against the annual programme of £52.0m, with the linear accelerator "
            "replacement at Weston Park on schedule.",
        ),
        _s(
            "4",
            "Efficiency programme",
            "Recurrent savings of £14.8m have been identified against the £26.0m target, mainly "
            "from medicines optimisation, procurement and estates energy contracts.",
        ),
    ),
)

QUALITY = Paper(
    number="7",
    title="Quality and safety report",
    lead="Chris Morley, Chief Nurse",
    author="Head of Patient Safety",
    purpose="For assurance",
    previously="Quality Committee, 28 October 2025",
    recommendation="The Board is asked to take assurance from the quality indicators reported.",
    staff_side="Not applicable",
    workforce="None identified",
    equality="Not required",
    two_column=True,
    sections=(
        _s(
            "1",
            "Patient safety incidents",
            "There were 1,412 patient safety incidents reported in September, of which 94% "
            "resulted in no or low harm. Two incidents met the criteria for a patient safety "
            "incident investigation and learning responses are under way.",
            "Falls with harm have reduced for the third consecutive month following the "
            "introduction of enhanced observation bays on the frailty wards.",
        ),
        _s(
            "2",
            "Infection prevention and control",
            "Clostridioides difficile cases remain within the annual threshold. One MRSA "
            "bacteraemia was reported and reviewed; no lapses in care were found.",
        ),
        _s(
            "3",
            "Patient experience",
            "The Friends and Family Test recommendation rate for inpatients was 95%. Complaints "
            "responded to within 40 working days improved to 81%.",
        ),
        _s(
            "4",
            "Maternity",
            "The maternity dashboard shows all indicators within expected limits. The Clinical "
            "Negligence Scheme for Trusts safety actions are on track for year 7 declaration.",
        ),
    ),
)

RESTRUCTURE = Paper(
    number="8",
    title="Corporate services restructure: proposed structure for consultation",
    lead="Rebecca Joyce, Chief Operating Officer",
    author="Director of Strategy and Planning",
    purpose="For decision",
    previously="Executive Team, 21 October 2025; "
    "Finance and Performance Committee, 3 November 2025",
    recommendation="The Board is asked to approve the start of formal consultation on the "
    "proposed corporate services structure.",
    staff_side="No - to be discussed at JNCC on 20 November 2025",
    workforce="Yes - 46 posts at risk; see section 4",
    equality="Initial EIA completed; full EIA to follow consultation",
    sections=(
        _s(
            "1",
            "Purpose",
            "This paper seeks approval to begin formal consultation on a new structure for "
            "corporate services covering finance, procurement, information governance and "
            "business intelligence.",
        ),
        _s(
            "2",
            "Background",
            "NHS South Yorkshire Integrated Care Board has asked every provider to reduce "
            "corporate running costs by 15% by March 2027. Corporate services in the Trust have "
            "grown by 18% since 2019 and are spread across 11 separate teams.",
        ),
        _s(
            "3",
            "Proposal",
            "The proposal brings the 11 teams into four service lines under a single Director "
            "of Corporate Services. Transactional finance and procurement functions would be "
            "delivered from one hub at the Royal Hallamshire Hospital.",
            "The new structure reduces the establishment from 312 to 266 whole time equivalent "
            "posts. Management layers would fall from six to four.",
        ),
        _s(
            "4",
            "Workforce implications",
            "46 posts are at risk of redundancy. The Trust will seek to avoid compulsory "
            "redundancies through vacancy control, redeployment and voluntary redundancy. "
            "Staff whose posts are at risk will be offered suitable alternative employment "
            "where available under the Organisational Change Policy.",
            "A 45-day collective consultation with UNISON, Unite and GMB will begin on 1 "
            "December 2025.",
        ),
        _s(
            "5",
            "Recommendation",
            "The Board is asked to approve the start of formal consultation on the proposed "
            "structure.",
        ),
    ),
)

ROTA = Paper(
    number="9",
    title="Seven-day working in diagnostic imaging: new rota",
    lead="Rebecca Joyce, Chief Operating Officer",
    author="Clinical Director, Radiology",
    purpose="For approval",
    previously="Operational Performance Group, 15 October 2025",
    recommendation="The Board is asked to approve the move to a seven-day rota for CT and MRI "
    "from April 2026.",
    staff_side="Yes - Society of Radiographers and UNISON representatives consulted",
    workforce="Yes - changes to shift patterns for 140 radiographers and support workers",
    equality="Completed",
    cover_style="lines",
    sections=(
        _s(
            "1",
            "Summary",
            "Demand for CT and MRI has grown by 9% a year. Weekend lists are currently staffed "
            "through waiting list initiatives. This paper proposes a substantive seven-day rota "
            "for radiographers, assistant practitioners and imaging support workers.",
        ),
        _s(
            "2",
            "Proposed rota",
            "Staff would move from a Monday to Friday pattern with on-call cover to a rota of "
            "12-hour shifts across seven days, working one weekend in four. Unsocial hours "
            "payments would be made under Agenda for Change section 2.",
            "Radiographers currently on the on-call rota would move to rostered night shifts, "
            "ending the on-call arrangement for CT at the Northern General Hospital.",
        ),
        _s(
            "3",
            "Engagement",
            "The Society of Radiographers and UNISON have taken part in four workshops. Staff "
            "asked for protected time for training and a fair allocation of weekends; both are "
            "built into the rota.",
        ),
    ),
)

TUPE = Paper(
    number="10",
    title="Transfer of estates and facilities services to a wholly owned subsidiary",
    lead="Neil Priestley, Chief Financial Officer",
    author="Director of Estates",
    purpose="For decision",
    previously="Board of Directors (private), 8 October 2025",
    recommendation="The Board is asked to approve the full business case and the transfer of "
    "staff to Sheffield Teaching Hospitals Facilities Limited on 1 April 2026.",
    staff_side="Partially - initial briefing to staff side on 14 October 2025",
    workforce="Yes - 780 staff would transfer under TUPE",
    equality="To be completed before consultation",
    sections=(
        _s(
            "1",
            "Purpose",
            "The paper presents the full business case for establishing Sheffield Teaching "
            "Hospitals Facilities Limited, a company wholly owned by the Trust, to provide "
            "estates, portering, domestic and catering services.",
        ),
        _s(
            "2",
            "Case for change",
            "A subsidiary would give greater flexibility in procurement and recruitment and "
            "allow the Trust to recover VAT on some services.",
        ),
        _s(
            "3",
            "Staff transfer",
            "Around 780 staff would transfer to the new company under the Transfer of "
            "Undertakings (Protection of Employment) Regulations. Their existing terms and "
            "conditions, including NHS Pension Scheme membership, would be protected at the "
            "point of transfer. New starters would be employed on company terms.",
            "Formal consultation with recognised trade unions would begin in January 2026.",
        ),
        _s(
            "4",
            "Risks",
            "The main risks are industrial action, the loss of experienced staff and the "
            "time needed for HMRC clearance.",
        ),
    ),
)

SICKNESS = Paper(
    number="11",
    title="Revised sickness absence policy",
    lead="Helen Smart, Chief People Officer",
    author="Head of Employee Relations",
    purpose="For approval",
    previously="People Committee, 30 October 2025; JNCC policy subgroup, 9 October 2025",
    recommendation="The Board is asked to approve the revised Sickness Absence Policy.",
    staff_side="Yes - agreed at JNCC policy subgroup",
    workforce="Yes - changes to absence triggers for all staff",
    equality="Completed; no adverse impact identified",
    sections=(
        _s(
            "1",
            "Purpose",
            "The Sickness Absence Policy has been revised following a review of absence "
            "management across the Trust.",
        ),
        _s(
            "2",
            "Main changes",
            "The formal review trigger changes from three episodes in six months to four "
            "episodes in twelve months. Staff will be able to request a phased return of up "
            "to eight weeks on full pay, and disability-related absence will be recorded "
            "separately.",
            "Managers will hold a wellbeing conversation within seven days of a return to "
            "work, replacing the current return-to-work interview.",
        ),
        _s(
            "3",
            "Implementation",
            "The revised policy would take effect from 1 January 2026, with training for "
            "managers during December.",
        ),
    ),
)

VASCULAR = Paper(
    number="12",
    title="Vascular surgery: consolidation of inpatient services",
    lead="Dr Jennifer Hill, Medical Director (Operations)",
    author="Clinical Director, Vascular Surgery",
    purpose="For decision",
    previously="Clinical Services Committee, 14 October 2025",
    recommendation="The Board is asked to approve the consolidation of vascular inpatient "
    "services.",
    staff_side="Not stated",
    workforce="To be assessed",
    equality="Completed",
    sections=(
        _s(
            "1",
            "Proposal",
            "The service will be delivered from the Northern General site from April 2026. "
            "Inpatient beds at the Royal Hallamshire Hospital will close and the ward will be "
            "used for elective orthopaedic day cases.",
        ),
        _s(
            "2",
            "Benefits",
            "A single hybrid theatre and one inpatient ward will meet the Vascular Society "
            "standard for a 24-hour arterial centre and shorten the time to surgery for "
            "emergency admissions.",
        ),
        _s(
            "3",
            "Next steps",
            "Detailed implementation plans will be presented to the Clinical Services "
            "Committee in January 2026.",
        ),
    ),
)

WORKFORCE_REPORT = Paper(
    number="13",
    title="Workforce report: quarter 2 2025/26",
    lead="Helen Smart, Chief People Officer",
    author="Head of Workforce Information",
    purpose="For information",
    previously="People Committee, 30 October 2025",
    recommendation="The Board is asked to note the report.",
    staff_side="Not applicable",
    workforce="None - report for information",
    equality="Not required",
    sections=(
        _s(
            "1",
            "Vacancies and turnover",
            "The workforce plan shows 96% of posts filled at the end of September. The "
            "registered nurse vacancy rate is 4.1%, the lowest for five years. Turnover fell to "
            "9.8%.",
        ),
        _s(
            "2",
            "Sickness absence",
            "Sickness absence was 4.9% in September, compared with 5.3% a year earlier. "
            "Anxiety, stress and depression remain the most common reason.",
        ),
        _s(
            "3",
            "Statutory and mandatory training",
            "Compliance with statutory and mandatory training is 91% against a target of 90%.",
        ),
    ),
)

SURVEY = Paper(
    number="14",
    title="NHS Staff Survey 2024: results and actions",
    lead="Helen Smart, Chief People Officer",
    author="Head of Organisational Development",
    purpose="For noting",
    previously="People Committee, 30 October 2025",
    recommendation="The Board is asked to note the staff survey results.",
    staff_side="Not applicable",
    workforce="None",
    equality="Not required",
    sections=(
        _s(
            "1",
            "Results",
            "The response rate was 46%. The Trust scored above the national average for "
            "acute trusts on five of the seven People Promise elements, and the staff "
            "engagement score rose from 6.8 to 6.9.",
        ),
        _s(
            "2",
            "Areas of focus",
            "Scores for 'we are safe and healthy' and for experience of violence from patients "
            "remain below average; directorates have agreed local action plans.",
        ),
    ),
)

AWARDS = Paper(
    number="15",
    title="Staff awards 2025",
    lead="Helen Smart, Chief People Officer",
    author="Head of Communications",
    purpose="For information",
    previously="None",
    recommendation="The Board is asked to note the winners of the 2025 staff awards.",
    staff_side="Not applicable",
    workforce="None",
    equality="Not required",
    sections=(
        _s(
            "1",
            "The awards evening",
            "More than 1,100 nominations were received for this year's awards, held at the "
            "Cutlers' Hall on 3 October 2025. The Chair presented 14 awards.",
            "The team of the year award went to the renal dialysis unit at the Northern "
            "General Hospital, and the lifetime achievement award to a ward sister retiring "
            "after 42 years' service.",
        ),
    ),
)

PACK_PAPERS: tuple[Paper, ...] = (
    FINANCE,
    QUALITY,
    RESTRUCTURE,
    ROTA,
    TUPE,
    SICKNESS,
    VASCULAR,
    WORKFORCE_REPORT,
    SURVEY,
    AWARDS,
)

AGENDA_CLOSING: tuple[tuple[str, str, str, str, str], ...] = (
    ("16", "Any other business", "Chair", "For information", "Verbal"),
    (
        "17",
        "Date and time of next meeting: 14 January 2026, 9.30am",
        "Chair",
        "For information",
        "",
    ),
)


def agenda_rows() -> list[tuple[str, str, str, str, str]]:
    """Item, title, lead, purpose and paper of every item on the board agenda."""
    papers = [
        (p.number, p.title, p.lead.split(", ")[-1], p.purpose, chr(ord("C") + i + 1))
        for i, p in enumerate(PACK_PAPERS)
    ]
    return [*AGENDA_OPENING, *papers, *AGENDA_CLOSING]


# --------------------------------------------------------------------------------------
# A committee paper with a staff-side consultation section (Leeds Teaching Hospitals)
# --------------------------------------------------------------------------------------

AGILE = Paper(
    number="PC 25/64",
    title="Agile and hybrid working policy: review",
    lead="Director of People",
    author="Employee Relations Manager",
    purpose="For approval",
    previously="Workforce Policy Group, 2 October 2025",
    recommendation="The Committee is asked to approve the revised policy for ratification at "
    "the Board.",
    staff_side="Yes - see section 5",
    workforce="Yes - home working entitlement and base location",
    equality="Completed",
    cover_style="lines",
    sections=(
        _s(
            "1",
            "Purpose",
            "This paper presents the revised Agile and Hybrid Working Policy following its "
            "scheduled review.",
        ),
        _s(
            "2",
            "Background",
            "The policy was introduced in 2021. Around 2,300 corporate and administrative staff "
            "now work in a hybrid pattern, typically two days a week from home.",
        ),
        _s(
            "3",
            "Proposed changes",
            "Staff would be required to attend their base at least three days a week from 1 "
            "March 2026. Each post would be given a single contractual base, and travel "
            "between Leeds General Infirmary and St James's University Hospital in the working "
            "day would be reimbursed under the excess travel provisions.",
            "Requests to work from home more often would be handled through the Flexible "
            "Working Policy.",
        ),
        _s(
            "4",
            "Equality impact",
            "The assessment found a potential adverse impact on staff with caring "
            "responsibilities; mitigations are set out in appendix 2.",
        ),
        _s(
            "5",
            "Staff side consultation",
            "The draft policy was shared with the staff side on 18 September 2025 and "
            "discussed at the Joint Negotiating and Consultative Committee on 9 October 2025. "
            "UNISON and Unite asked for the attendance requirement to be phased in over six "
            "months and for a right of appeal; the revised draft includes both. The RCN "
            "representative asked that clinical staff in non-ward roles be considered "
            "separately. Staff side have not yet agreed the final version, which will return to "
            "JNCC on 13 November 2025.",
        ),
        _s(
            "6",
            "Recommendation",
            "The Committee is asked to approve the revised policy subject to the outcome of "
            "JNCC on 13 November 2025.",
        ),
    ),
)


# --------------------------------------------------------------------------------------
# Minutes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Minute:
    number: str
    heading: str
    paragraphs: tuple[str, ...]


NUH_JNCC_ATTENDANCE: tuple[tuple[str, str], ...] = (
    ("Karen Walsh (Chair)", "Staff Side Chair, UNISON"),
    ("Dr Amir Khan", "Director of People"),
    ("Paul Henderson", "Deputy Director of People"),
    ("Lorraine Briggs", "Royal College of Nursing"),
    ("Steve Mottram", "Unite"),
    ("Janet Okafor", "GMB"),
    ("Sian Parry", "Royal College of Midwives"),
    ("Tom Ellis", "Chartered Society of Physiotherapy"),
    ("Rachel Dunn", "Society of Radiographers"),
)

NUH_JNCC_MINUTES: tuple[Minute, ...] = (
    Minute(
        "JNCC/25/41",
        "Welcome and apologies",
        (
            "The Chair welcomed members. Apologies were received from the Chief Nurse and from "
            "the BMA local negotiating committee chair.",
        ),
    ),
    Minute(
        "JNCC/25/42",
        "Minutes of the previous meeting and matters arising",
        (
            "The minutes of the meeting held on 18 September 2025 were agreed as an accurate "
            "record. Action JNCC/25/33 on car parking permits for night staff was closed.",
        ),
    ),
    Minute(
        "JNCC/25/43",
        "Outpatients administration: management of change",
        (
            "The Deputy Director of People presented the proposal to centralise outpatient "
            "booking teams from 14 specialty offices into one patient access centre at the "
            "City Hospital campus. Forty-two band 2 and band 3 posts would be affected and the "
            "number of supervisor posts would fall from nine to six.",
            "UNISON raised concerns about travel for staff based at Queen's Medical Centre and "
            "asked for excess travel to be paid for four years. Management agreed to bring an "
            "equality impact assessment to the next meeting.",
            "The committee agreed that formal consultation would start on 3 November 2025.",
        ),
    ),
    Minute(
        "JNCC/25/44",
        "E-rostering policy",
        (
            "Staff side welcomed the requirement to publish rosters eight weeks in advance. "
            "The RCN asked that self-rostering pilots continue on the surgical wards. The "
            "revised policy was agreed subject to minor amendments.",
        ),
    ),
    Minute(
        "JNCC/25/45",
        "Car parking charges 2026",
        (
            "The Director of Estates reported that staff parking charges would rise by 3% "
            "from April 2026 in line with the Trust's travel plan. Staff side did not support "
            "the increase and asked for it to be deferred for staff in bands 1 to 4.",
        ),
    ),
    Minute(
        "JNCC/25/46",
        "Staff survey 2025 response rate",
        (
            "The response rate stood at 39% with four weeks remaining. Members were asked to "
            "encourage colleagues to complete the survey.",
        ),
    ),
    Minute(
        "JNCC/25/47",
        "Any other business",
        (
            "Unite raised the outsourcing of the patient transport service, which it had heard "
            "was under review. The Director of People confirmed that no decision had been "
            "taken and undertook to bring a paper to the December meeting.",
        ),
    ),
)

NUH_JNCC_ACTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Ref", "Action", "Owner", "Due", "Status"),
    (
        "JNCC/25/43",
        "Bring the equality impact assessment for the patient access centre",
        "Deputy Director of People",
        "20 November 2025",
        "Open",
    ),
    (
        "JNCC/25/44",
        "Circulate the amended e-rostering policy",
        "HR Policy Lead",
        "31 October 2025",
        "Open",
    ),
    (
        "JNCC/25/45",
        "Model the cost of deferring the parking increase for bands 1 to 4",
        "Director of Estates",
        "20 November 2025",
        "Open",
    ),
    (
        "JNCC/25/47",
        "Paper on the patient transport service review",
        "Director of People",
        "18 December 2025",
        "Open",
    ),
)

BARNSLEY_SCANNED_MINUTES: tuple[Minute, ...] = (
    Minute(
        "Minute 12",
        "Apologies and introductions",
        ("Apologies were noted from the Director of Nursing and the GMB regional organiser.",),
    ),
    Minute(
        "Minute 13",
        "Minutes of the last meeting",
        ("The minutes of the meeting held on 14 May 2019 were approved.",),
    ),
    Minute(
        "Minute 14",
        "Pathology laboratory restructure",
        (
            "The Director of Operations outlined the proposal to move microbiology work to the "
            "network hub laboratory. Staff side asked how many biomedical scientist posts would "
            "be affected and requested the full business case before consultation.",
        ),
    ),
    Minute(
        "Minute 15",
        "Annual leave policy",
        (
            "The revised policy allowing staff to carry over up to five days was agreed by "
            "both sides.",
        ),
    ),
    Minute(
        "Minute 16",
        "Date of next meeting",
        ("The next meeting will be held on 9 July 2019 in the Boardroom.",),
    ),
)

SCH_BOARD_MINUTES: tuple[Minute, ...] = (
    Minute(
        "BoD 25/101",
        "Chair's welcome and apologies",
        ("The Chair welcomed members and observers. Apologies were noted from one governor.",),
    ),
    Minute(
        "BoD 25/102",
        "Declarations of interest",
        ("No new declarations were made.",),
    ),
    Minute(
        "BoD 25/103",
        "Minutes of the previous meeting",
        ("The minutes of the meeting held on 24 July 2025 were approved.",),
    ),
    Minute(
        "BoD 25/104",
        "Chief Executive's report",
        (
            "The Chief Executive highlighted the opening of the new children's emergency "
            "department observation unit and the outcome of the CQC inspection of "
            "community services.",
        ),
    ),
    Minute(
        "BoD 25/105",
        "Community nursing: locality model",
        (
            "The Chief Nurse presented proposals to reorganise community children's nursing "
            "into three locality teams, with a new team leader structure and extended hours "
            "until 10pm on weekdays. The Board approved the model for consultation with staff "
            "and asked for the outcome of consultation with the staff side to be reported "
            "in January.",
        ),
    ),
    Minute(
        "BoD 25/106",
        "Integrated performance report",
        (
            "The Board noted performance against the elective recovery trajectories and the "
            "improvement in four-hour emergency department performance.",
        ),
    ),
    Minute(
        "BoD 25/107",
        "Any other business",
        ("There was no other business.",),
    ),
)

SCH_BOARD_ACTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Minute", "Action", "Lead", "Due date", "Status"),
    (
        "BoD 25/104",
        "Share the CQC community services report with governors",
        "CS",
        "30/10/2025",
        "Complete",
    ),
    (
        "BoD 25/105",
        "Report the outcome of staff consultation on the locality model",
        "CN",
        "29/01/2026",
        "Open",
    ),
    (
        "BoD 25/106",
        "Add a paediatric diagnostics trajectory to the report",
        "COO",
        "27/11/2025",
        "Open",
    ),
)
