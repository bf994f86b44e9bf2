"""The demo data set: a small MSP's PSA, generated from a seed.

Field names, types and enum values follow the bundled Manage schema
(``Ticket``, ``Company``, ``Contact``, ...), and each record carries the
fields the spec requires of its model, so a query that works here uses the
real API's names and a client's models accept every record (a test walks
them all against the schema, and CI reads them with pyconnectwise).
Values are chosen to exercise what breaks integrations: quotes, ``&``, ``+``,
``%``, ``#``, non-ASCII text, nulls and missing fields, numbers with
decimals, ``_info`` timestamps. Nothing reads the clock: the same seed gives
the same records, byte for byte. Fields added later draw on a second
generator, so the values that were there before stay as they were.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

__all__ = ["demo_records"]

_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

_COMPANY_WORDS = [
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne",
    "Hooli", "Vandelay", "Soylent", "Oscorp", "Nakatomi", "Gringotts", "Müller", "Zoë's",
    "O'Brien", "Núñez", "Østergaard", "東京", "Αθήνα", "Smith & Sons", "A+B", "100% Pure",
    "\"Quoted\"", "Bäckerei", "Łódź", "Café", "Dvořák",
]
_COMPANY_KINDS = ["Ltd", "LLC", "Inc.", "GmbH", "& Co.", "Holdings", "Partners", "S.A.", "Pty Ltd", ""]
_FIRST = [
    "Ann", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günter", "Hiro", "Ines", "José", "Kai",
    "Li", "María", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Søren", "Tom", "Uma", "Zoë",
    "D'Arcy", "Mary-Jane", "Åsa",
]
_LAST = [
    "Smith", "O'Brien", "Müller", "Nguyen", "García", "Kowalski", "Dubois", "Rossi", "Tanaka",
    "Ivanova", "Öztürk", "Jones", "Brown", "Van der Berg", "MacLeod", "D'Angelo", "Søndergaard",
]
_SUMMARIES = [
    "Printer on 2nd floor jams", "Email not syncing on phone", "VPN drops every 5 minutes",
    "New user: {name}", "Password reset for {name}", "Outlook crashes with \"Error 0x800\"",
    "Laptop won't boot", "Backup failed: disk 95% full", "Install Office 365 for {name}",
    "Wi-Fi slow in the R&D lab", "Q&A: licence renewal", "C++ build server down",
    "Phone system: ext. #204 dead", "50% packet loss on WAN", "Firewall rule for port 443",
    "Café PoS terminal offline", "Zoë's monitor flickers", "Move desk [Room 3]",
    "Spam filter blocks *@partner.com", "Scanner saves to wrong folder (again)",
    "Server rack temperature > 30°C", "Renew SSL cert for A+B portal", "Review 'shared' mailbox access",
    "Update anti-virus on 12 PCs", "Onboarding: 3 new hires", "Disk space 100% on FS01",
]
_TYPES = ["Incident", "Service Request", "Problem", "Change", "Alert"]
_SEVERITIES = ["Low", "Medium", "High"]
_IMPACTS = ["Low", "Medium", "High"]
_BOARDS = ["Help Desk", "Network & Security", "Projects", "Alerts", "Onboarding", "Field Services"]
_STATUSES = [
    ("New", False), ("In Progress", False), ("Waiting on Client", False),
    ("Scheduled", False), ("Resolved", True), ("Closed", True),
]
_PRIORITIES = [
    ("Priority 1 - Emergency Response", "Critical"), ("Priority 2 - Quick Response", "High"),
    ("Priority 3 - Normal Response", "Medium"), ("Priority 4 - Schedule Maintenance", "Low"),
    ("Do Not Respond", "Low"),
]
_REGIONS = ["West", "East", "North", "South", "Central", None]
_CITIES = ["Tampa", "London", "München", "São Paulo", "Kraków", "Zürich", "Osaka", "Reykjavík", "Austin"]
_COMPANY_STATUSES = ["Active", "Inactive", "Credit Hold", "Not-Approved"]
_COMPANY_TYPES = ["Client", "Prospect", "Vendor", "Partner"]
_PROJECT_STATUSES = ["Open", "In Progress", "On-Hold", "Closed"]
_WORK_TYPES = ["Regular", "After Hours", "Travel", "Remote"]
# Enum values as the spec spells them (manage-2025.1-enums.json).
_COLORS = ["Red", "Orange", "Yellow", "Green", "Blue"]
_TIME_STATUSES = ["Open", "Billed", "ReadyToBill"]
_BILLING = ["Billable", "DoNotBill", "NoCharge"]
_LOCATIONS = [{"id": 1, "name": "Tampa Office"}, {"id": 2, "name": "London Office"}]
_DEPARTMENTS = [{"id": 1, "identifier": "Svc", "name": "Services"},
                {"id": 2, "identifier": "Proj", "name": "Projects"}]
_SOURCES = [{"id": 1, "name": "Email Connector"}, {"id": 2, "name": "Phone"}, {"id": 3, "name": "Portal"}]


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _info(rng: random.Random, entered: dt.datetime, who: str) -> dict[str, Any]:
    updated = entered + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 40))
    return {
        "lastUpdated": _stamp(updated),
        "dateEntered": _stamp(entered),
        "enteredBy": who,
        "updatedBy": rng.choice([who, "api-integration", "Template"]),
    }


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(rng: random.Random, days: int = 540) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=rng.randint(0, days * 86400))


def demo_records(seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Every demo collection: ``{"/service/tickets": [...], ...}``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    # For fields added after the first release: drawing them from ``rng``
    # would shift every value that follows.
    more = random.Random(seed + 0x5EED)  # noqa: S311
    data: dict[str, list[dict[str, Any]]] = {}

    members: list[dict[str, Any]] = []
    for i in range(1, 41):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        identifier = (first[0] + last).replace("'", "").replace(" ", "")[:15]
        identifier = f"{identifier}{i}"
        entered = _moment(rng, 200)
        members.append({
            "id": i, "identifier": identifier, "firstName": first, "lastName": last,
            "title": rng.choice(["Technician", "Senior Engineer", "Service Manager", "Dispatcher", None]),
            "officeEmail": f"{identifier.lower()}@msp.example",
            "inactiveFlag": i % 13 == 0, "adminFlag": i <= 2, "licenseClass": rng.choice("FAC"),
            "hourlyCost": round(rng.uniform(20, 90), 2), "dailyCapacity": 8.0,
            "hireDate": _stamp(entered - dt.timedelta(days=rng.randint(30, 3000))),
            "_info": _info(rng, entered, "admin"),
            # Required by the spec (and by clients' models).
            "defaultEmail": "Office", "defaultPhone": more.choice(["Office", "Mobile"]),
            "agreementInvoicingDisplayOptions": "RemainOnInvoicingScreen",
            "invoicingDisplayOptions": "RemainOnInvoicingScreen",
            "invoiceScreenDefaultTabFormat": "ShowInvoicingTab", "invoiceTimeTabFormat": "SummaryList",
            "timeZone": {"id": 1, "name": "Eastern Standard Time"},
            "defaultLocation": _LOCATIONS[i % 2], "defaultDepartment": _DEPARTMENTS[0],
            "enableMobileFlag": more.random() < 0.5, "requireTimeSheetEntryFlag": True,
        })
    data["/system/members"] = members

    def member_ref(m: dict[str, Any]) -> dict[str, Any]:
        return {"id": m["id"], "identifier": m["identifier"], "name": f"{m['firstName']} {m['lastName']}"}

    boards: list[dict[str, Any]] = []
    statuses: dict[int, list[dict[str, Any]]] = {}
    status_id = 1
    for i, name in enumerate(_BOARDS, 1):
        boards.append({
            "id": i, "name": name, "inactiveFlag": name == "Field Services", "projectFlag": name == "Projects",
            "location": {"id": 1, "name": "Tampa Office"}, "department": {"id": 1 + i % 3, "name": "Services"},
            "_info": _info(rng, _moment(rng, 30), "admin"),
            "billTime": "Billable", "billExpense": "Billable", "billProduct": "Billable",
            "problemSort": "Ascending", "resolutionSort": "Ascending", "internalAnalysisSort": "Ascending",
            "allSort": "Ascending", "percentageCalculation": "ActualHours",
        })
        rows: list[dict[str, Any]] = []
        for sort, (status, closed) in enumerate(_STATUSES):
            rows.append({
                "id": status_id, "name": status, "board": {"id": i, "name": name}, "sortOrder": sort,
                "displayOnBoard": True, "inactive": False, "closedStatus": closed,
                "defaultFlag": sort == 0, "timeEntryNotAllowed": closed,
                "customerPortalDescription": None if closed else f"{status} - we're on it",
                "_info": _info(rng, _moment(rng, 30), "admin"),
                "escalationStatus": "Resolved" if closed else "NotResponded", "customerPortalFlag": not closed,
            })
            status_id += 1
        statuses[i] = rows
        data[f"/service/boards/{i}/statuses"] = rows
    data["/service/boards"] = boards

    priorities: list[dict[str, Any]] = []
    for i, (name, level) in enumerate(_PRIORITIES, 1):
        priorities.append({
            "id": i, "name": name, "sortOrder": i, "level": level, "defaultFlag": i == 3,
            "color": rng.choice(_COLORS),
            "_info": _info(rng, _moment(rng, 30), "admin"),
        })
    data["/service/priorities"] = priorities

    companies: list[dict[str, Any]] = []
    for i in range(1, 301):
        name = f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_KINDS)}".strip()
        identifier = "".join(ch for ch in name if ch.isalnum())[:20] + str(i)
        entered = _moment(rng)
        companies.append({
            "id": i, "identifier": identifier, "name": name,
            "status": {"id": 1 + i % 4, "name": _COMPANY_STATUSES[i % 4]},
            "types": [{"id": 1 + t, "name": _COMPANY_TYPES[t]} for t in sorted(rng.sample(range(4), rng.randint(1, 2)))],
            "addressLine1": f"{rng.randint(1, 999)} {rng.choice(['Main St', 'Hauptstraße', 'Rue de l’Église', 'High St #2'])}",
            "addressLine2": rng.choice([None, "Suite 100", "Floor 3"]),
            "city": rng.choice(_CITIES), "zip": str(rng.randint(10000, 99999)),
            "phoneNumber": f"+1 555 {rng.randint(1000000, 9999999)}",
            "website": rng.choice([None, f"https://{identifier.lower()}.example"]),
            "annualRevenue": rng.choice([None, round(rng.uniform(1e5, 5e7), 2)]),
            "numberOfEmployees": rng.choice([None, rng.randint(1, 5000)]),
            "leadFlag": rng.random() < 0.1, "deletedFlag": False, "isVendorFlag": i % 17 == 0,
            "dateAcquired": rng.choice([None, _stamp(entered)]),
            "territoryManager": member_ref(rng.choice(members)),
            "_info": _info(rng, entered, rng.choice(members)["identifier"]),
            "customFields": [
                {"id": 1, "caption": "Region", "type": "Text", "entryMethod": "List",
                 "numberOfDecimals": 0, "value": rng.choice(_REGIONS)},
                {"id": 2, "caption": "Contract Hours", "type": "Number", "entryMethod": "EntryField",
                 "numberOfDecimals": 0, "value": rng.choice([None, 10, 20, 40])},
            ],
            "country": {"id": 1, "name": "United States"}, "territory": _LOCATIONS[i % 2],
            "market": {"id": 1 + i % 3, "name": more.choice(["Manufacturing", "Legal", "Healthcare"])},
            "unsubscribeFlag": False, "mobileGuid": _guid(more),
        })
    data["/company/companies"] = companies

    def company_ref(c: dict[str, Any]) -> dict[str, Any]:
        return {"id": c["id"], "identifier": c["identifier"], "name": c["name"]}

    contacts: list[dict[str, Any]] = []
    for i in range(1, 1201):
        company = companies[rng.randrange(len(companies))]
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        handle = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        domain = company["identifier"].lower() + ".example"
        items = [{
            "id": 1, "type": {"id": 1, "name": "Email"}, "value": f"{handle}@{domain}",
            "defaultFlag": True, "communicationType": "Email", "domain": "@" + domain,
        }]
        if rng.random() < 0.7:
            items.append({
                "id": 2, "type": {"id": 2, "name": "Direct"}, "value": f"+1 555 {rng.randint(1000000, 9999999)}",
                "extension": rng.choice([None, str(rng.randint(100, 999))]), "defaultFlag": False,
                "communicationType": "Phone",
            })
        if rng.random() < 0.3:
            items.append({
                "id": 3, "type": {"id": 3, "name": "Mobile"}, "value": f"+44 7700 {rng.randint(100000, 999999)}",
                "defaultFlag": False, "communicationType": "Phone",
            })
        contacts.append({
            "id": i, "firstName": first, "lastName": last, "company": company_ref(company),
            "title": rng.choice([None, "Office Manager", "CEO", "IT Lead", "Accounts Payable", "R&D Engineer"]),
            "inactiveFlag": rng.random() < 0.08, "defaultFlag": rng.random() < 0.2,
            "city": company["city"], "communicationItems": items,
            "types": [{"id": 1, "name": rng.choice(["Billing", "Technical", "Decision Maker"])}],
            "_info": _info(rng, _moment(rng), "api-integration"),
            "unsubscribeFlag": False, "disablePortalLoginFlag": more.random() < 0.9,
            "defaultBillingFlag": False, "mobileGuid": _guid(more),
        })
    data["/company/contacts"] = contacts

    tickets: list[dict[str, Any]] = []
    for i in range(1, 3001):
        company = companies[rng.randrange(len(companies))]
        contact = rng.choice(contacts)
        board = rng.choice(boards)
        ticket_status = rng.choice(statuses[board["id"]])
        priority = rng.choice(priorities)
        owner = rng.choice([None, *members[:20]])
        entered = _moment(rng)
        closed = ticket_status["closedStatus"]
        summary = rng.choice(_SUMMARIES).format(name=f"{contact['firstName']} {contact['lastName']}")
        ticket: dict[str, Any] = {
            "id": i, "summary": summary, "recordType": "ServiceTicket",
            "board": {"id": board["id"], "name": board["name"]},
            "status": {"id": ticket_status["id"], "name": ticket_status["name"], "sort": ticket_status["sortOrder"]},
            "company": company_ref(company),
            "contact": {"id": contact["id"], "name": f"{contact['firstName']} {contact['lastName']}"},
            "contactName": f"{contact['firstName']} {contact['lastName']}",
            "contactEmailAddress": contact["communicationItems"][0]["value"],
            "type": {"id": 1 + _TYPES.index(t := rng.choice(_TYPES)), "name": t},
            "priority": {"id": priority["id"], "name": priority["name"], "sort": priority["sortOrder"]},
            "severity": rng.choice(_SEVERITIES), "impact": rng.choice(_IMPACTS),
            "budgetHours": rng.choice([None, 0.5, 1, 2, 4.25, 8]),
            "actualHours": round(rng.uniform(0, 12), 2) if rng.random() < 0.8 else None,
            "closedFlag": closed, "approved": rng.random() < 0.9,
            "customerUpdatedFlag": rng.random() < 0.15,
            "_info": _info(rng, entered, rng.choice(members)["identifier"]),
            "customFields": [
                {"id": 7, "caption": "Region", "type": "Text", "entryMethod": "List",
                 "numberOfDecimals": 0, "value": rng.choice(_REGIONS)},
                {"id": 8, "caption": "Billable", "type": "Checkbox", "entryMethod": "EntryField",
                 "numberOfDecimals": 0, "value": rng.random() < 0.5},
                {"id": 9, "caption": "Asset Tag", "type": "Text", "entryMethod": "EntryField",
                 "numberOfDecimals": 0, "value": rng.choice([None, f"AT-{rng.randint(1000, 9999)}", "N/A"])},
            ],
            "source": more.choice(_SOURCES), "location": _LOCATIONS[0], "department": _DEPARTMENTS[0],
            "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable",
            "allowAllClientsPortalView": False, "automaticEmailContactFlag": more.random() < 0.5,
            "automaticEmailResourceFlag": False, "automaticEmailCcFlag": False,
            "hasChildTicket": False, "hasMergedChildTicketFlag": False, "isInSla": more.random() < 0.85,
            "mobileGuid": _guid(more),
        }
        if owner is not None:
            ticket["owner"] = member_ref(owner)
        if closed:
            when = entered + dt.timedelta(hours=rng.randint(1, 400))
            ticket["closedDate"] = _stamp(when)
            ticket["closedBy"] = rng.choice(members)["identifier"]
        if rng.random() < 0.3:
            ticket["requiredDate"] = _stamp(entered + dt.timedelta(days=rng.randint(1, 30)))
        tickets.append(ticket)
    data["/service/tickets"] = tickets

    projects: list[dict[str, Any]] = []
    for i in range(1, 61):
        company = companies[rng.randrange(len(companies))]
        start = _moment(rng)
        project_status = rng.choice(_PROJECT_STATUSES)
        projects.append({
            "id": i, "name": f"{rng.choice(['Migrate', 'Upgrade', 'Roll out', 'Audit'])} {rng.choice(['M365', 'Firewall', 'Wi-Fi', 'ERP', 'Backups'])} for {company['name']}",
            "company": company_ref(company), "board": {"id": 3, "name": "Projects"},
            "status": {"id": 1 + _PROJECT_STATUSES.index(project_status), "name": project_status},
            "closedFlag": project_status == "Closed", "manager": member_ref(rng.choice(members)),
            "estimatedStart": _stamp(start), "estimatedEnd": _stamp(start + dt.timedelta(days=rng.randint(14, 180))),
            "budgetHours": rng.choice([40, 80, 120.5, 200]), "actualHours": round(rng.uniform(0, 150), 2),
            "percentComplete": rng.choice([0, 0.25, 0.5, 0.75, 1]), "billingMethod": rng.choice(["ActualRates", "FixedFee"]),
            "description": rng.choice([None, "Phase 1 & 2", "See SOW #12", "Budget +10% approved"]),
            "_info": _info(rng, start, "admin"),
            "customFields": [{"id": 11, "caption": "Sponsor", "type": "Text", "entryMethod": "EntryField",
                              "numberOfDecimals": 0, "value": rng.choice([None, "CFO", "CIO"])}],
            "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable",
            "billingRateType": "WorkRole", "budgetAnalysis": "ActualHours", "budgetFlag": True,
            "location": _LOCATIONS[0], "department": _DEPARTMENTS[1],
        })
    data["/project/projects"] = projects

    project_tickets: list[dict[str, Any]] = []
    for i in range(1, 301):
        project = rng.choice(projects)
        entered = _moment(rng)
        project_tickets.append({
            "id": 10000 + i, "summary": rng.choice(["Kick-off", "Order hardware", "Configure", "Test & sign-off", "Train users"]),
            "isIssueFlag": rng.random() < 0.1, "board": {"id": 3, "name": "Projects"},
            "status": {"id": 13 + rng.randrange(6), "name": rng.choice(_STATUSES)[0]},
            "project": {"id": project["id"], "name": project["name"]}, "company": project["company"],
            "budgetHours": rng.choice([None, 1, 2.5, 8]), "closedFlag": rng.random() < 0.4,
            "_info": _info(rng, entered, "admin"),
            "customFields": [],
            "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable",
            "location": _LOCATIONS[0], "department": _DEPARTMENTS[1], "mobileGuid": _guid(more),
        })
    data["/project/tickets"] = project_tickets

    entries: list[dict[str, Any]] = []
    for i in range(1, 2501):
        ticket = rng.choice(tickets)
        member = rng.choice(members)
        start = _moment(rng)
        hours = rng.choice([0.25, 0.5, 0.75, 1, 1.5, 2, 3.25])
        entries.append({
            "id": i, "company": ticket["company"], "chargeToId": ticket["id"], "chargeToType": "ServiceTicket",
            "member": member_ref(member), "ticket": {"id": ticket["id"], "summary": ticket["summary"]},
            "workType": {"id": 1 + (w := rng.randrange(4)), "name": _WORK_TYPES[w]},
            "timeStart": _stamp(start), "timeEnd": _stamp(start + dt.timedelta(hours=hours)),
            "actualHours": hours, "hoursDeduct": 0, "billableOption": rng.choice(["Billable", "DoNotBill", "NoCharge"]),
            "notes": rng.choice(["Called user; fixed.", "Remote session — rebooted", "Waiting on vendor (ref #A+7)", "", None]),
            "hourlyRate": rng.choice([95, 125.5, 150]), "status": rng.choice(_TIME_STATUSES),
            "dateEntered": _stamp(start + dt.timedelta(hours=hours)), "enteredBy": member["identifier"],
            "_info": _info(rng, start, member["identifier"]),
            "addToDetailDescriptionFlag": False, "addToInternalAnalysisFlag": False,
            "addToResolutionFlag": False, "emailResourceFlag": False, "emailContactFlag": False,
            "emailCcFlag": False, "invoiceReady": 0, "mobileGuid": _guid(more),
            "timeSheet": {"id": 1 + (start.toordinal() // 7) % 500, "name": f"Week {start.isocalendar()[1]}"},
        })
    data["/time/entries"] = entries
    return data
