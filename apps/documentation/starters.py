"""The starter templates every organization begins with: an incident report, the daily
progress note (the default visit note), a medication administration note and the monthly
service plan progress summary.

Labels, help texts and option labels are bilingual ({"en": ..., "es": ...}): structure.text()
shows each reader their own language. A template's name is one string, and a starter is
created in a schema before any organization's language is known (the clone template), so
the name is stored in English and `display_name()` translates it on pages for as long as the
organization has not renamed it; the description carries both languages.

Plain data only: migration 0003 creates these in every schema it runs in (the clone template
included, so every new organization gets them through the clone).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def t(en: str, es: str) -> dict[str, str]:
    return {"en": en, "es": es}


YES = {"equals": "yes"}

INCIDENT_REPORT: dict[str, Any] = {
    "sections": [
        {
            "key": "when_where",
            "title": t("When and where", "Cuándo y dónde"),
            "fields": [
                {
                    "key": "incident_at",
                    "type": "datetime",
                    "label": t("Date and time of the incident", "Fecha y hora del incidente"),
                    "required": True,
                },
                {
                    "key": "place",
                    "type": "text",
                    "label": t("Place", "Lugar"),
                    "help": t(
                        "Where it happened: the address, the room, the vehicle.",
                        "Dónde ocurrió: la dirección, la habitación, el vehículo.",
                    ),
                    "required": True,
                    "max_length": 255,
                },
                {"key": "client", "type": "client", "label": t("Client", "Cliente"), "prefill": "client"},
            ],
        },
        {
            "key": "people",
            "title": t("People", "Personas"),
            "fields": [
                {
                    "key": "people_involved",
                    "type": "textarea",
                    "label": t("People involved", "Personas involucradas"),
                    "help": t(
                        "Names and their role (client, staff, visitor, family).",
                        "Nombres y su papel (cliente, personal, visitante, familia).",
                    ),
                },
                {
                    "key": "witnesses",
                    "type": "textarea",
                    "label": t("Witnesses", "Testigos"),
                    "help": t(
                        "Who saw or heard it, and how to reach them.", "Quién lo vio u oyó, y cómo contactarlos."
                    ),
                },
            ],
        },
        {
            "key": "what",
            "title": t("What happened", "Qué ocurrió"),
            "fields": [
                {
                    "key": "what_happened",
                    "type": "textarea",
                    "label": t("What happened", "Qué ocurrió"),
                    "help": t(
                        "The facts in order: what you saw and heard, before, during and after.",
                        "Los hechos en orden: lo que vio y oyó, antes, durante y después.",
                    ),
                    "required": True,
                },
                {
                    "key": "injury",
                    "type": "yesno",
                    "label": t("Was anyone injured?", "¿Hubo alguna lesión?"),
                    "required": True,
                    "alert": True,
                },
                {
                    "key": "injury_details",
                    "type": "textarea",
                    "label": t("Injury details", "Detalles de la lesión"),
                    "help": t(
                        "Who, what injury, where on the body, first aid given.",
                        "Quién, qué lesión, en qué parte del cuerpo, primeros auxilios dados.",
                    ),
                    "required": True,
                    "show_if": {"field": "injury", **YES},
                },
                {
                    "key": "abuse_suspected",
                    "type": "yesno",
                    "label": t(
                        "Is abuse, neglect or exploitation suspected?", "¿Se sospecha abuso, negligencia o explotación?"
                    ),
                    "required": True,
                    "alert": True,
                },
                {
                    "key": "abuse_details",
                    "type": "textarea",
                    "label": t("What is suspected, and why", "Qué se sospecha y por qué"),
                    "required": True,
                    "show_if": {"field": "abuse_suspected", **YES},
                },
                {
                    "key": "emergency_services",
                    "type": "yesno",
                    "label": t("Were emergency services called?", "¿Se llamó a los servicios de emergencia?"),
                    "required": True,
                },
                {
                    "key": "emergency_which",
                    "type": "text",
                    "label": t("Which services", "Qué servicios"),
                    "help": t(
                        "911, ambulance, police, fire, poison control.",
                        "911, ambulancia, policía, bomberos, toxicología.",
                    ),
                    "max_length": 255,
                    "show_if": {"field": "emergency_services", **YES},
                },
                {
                    "key": "emergency_time",
                    "type": "time",
                    "label": t("Time they were called", "Hora de la llamada"),
                    "show_if": {"field": "emergency_services", **YES},
                },
            ],
        },
        {
            "key": "response",
            "title": t("Response and follow-up", "Respuesta y seguimiento"),
            "fields": [
                {
                    "key": "immediate_actions",
                    "type": "textarea",
                    "label": t("Immediate actions taken", "Acciones inmediatas tomadas"),
                    "required": True,
                },
                {"key": "follow_up", "type": "textarea", "label": t("Follow-up needed", "Seguimiento necesario")},
                {
                    "key": "guardian_notified",
                    "type": "yesno",
                    "label": t("Was the guardian notified?", "¿Se notificó al tutor?"),
                },
                {
                    "key": "guardian_notified_at",
                    "type": "datetime",
                    "label": t("When the guardian was notified", "Cuándo se notificó al tutor"),
                    "show_if": {"field": "guardian_notified", **YES},
                },
            ],
        },
    ]
}

PROGRESS_NOTE: dict[str, Any] = {
    "sections": [
        {
            "key": "visit",
            "title": t("The visit", "La visita"),
            "fields": [
                {
                    "key": "client",
                    "type": "client",
                    "label": t("Client", "Cliente"),
                    "required": True,
                    "prefill": "client",
                },
                {"key": "staff", "type": "staff", "label": t("Staff", "Personal"), "prefill": "staff"},
                {"key": "date", "type": "date", "label": t("Date", "Fecha"), "required": True, "prefill": "visit_date"},
                {
                    "key": "start_time",
                    "type": "time",
                    "label": t("Start time", "Hora de inicio"),
                    "prefill": "visit_start",
                },
                {"key": "end_time", "type": "time", "label": t("End time", "Hora de fin"), "prefill": "visit_end"},
                {
                    "key": "service",
                    "type": "text",
                    "label": t("Service", "Servicio"),
                    "max_length": 255,
                    "prefill": "service",
                },
            ],
        },
        {
            "key": "support",
            "title": t("Support given", "Apoyo brindado"),
            "fields": [
                {
                    "key": "services_provided",
                    "type": "multiselect",
                    "label": t("Services provided", "Servicios prestados"),
                    "options": [
                        {"value": "personal_care", "label": t("Personal care", "Cuidado personal")},
                        {"value": "daily_living", "label": t("Daily living skills", "Habilidades de la vida diaria")},
                        {"value": "meals", "label": t("Meal preparation", "Preparación de comidas")},
                        {"value": "medication", "label": t("Medication support", "Apoyo con medicamentos")},
                        {"value": "community", "label": t("Community integration", "Integración comunitaria")},
                        {"value": "transportation", "label": t("Transportation", "Transporte")},
                        {"value": "behavior", "label": t("Behaviour support", "Apoyo conductual")},
                        {"value": "recreation", "label": t("Recreation", "Recreación")},
                        {"value": "other", "label": t("Other", "Otro")},
                    ],
                },
                {
                    "key": "goals",
                    "type": "textarea",
                    "label": t("Goals worked on", "Metas trabajadas"),
                    "help": t(
                        "The goals of the service plan this visit worked on.",
                        "Las metas del plan de servicio trabajadas en esta visita.",
                    ),
                },
                {
                    "key": "activities",
                    "type": "textarea",
                    "label": t("Activities and the person's response", "Actividades y la respuesta de la persona"),
                    "help": t(
                        "What you did together and how the person responded, in their words where you can.",
                        "Lo que hicieron juntos y cómo respondió la persona, con sus palabras cuando sea posible.",
                    ),
                    "required": True,
                },
                {
                    "key": "mood",
                    "type": "rating",
                    "label": t("Mood", "Estado de ánimo"),
                    "help": t("1 = very low, 5 = very good.", "1 = muy bajo, 5 = muy bueno."),
                    "min": 1,
                    "max": 5,
                },
            ],
        },
        {
            "key": "concerns",
            "title": t("Concerns and next steps", "Inquietudes y próximos pasos"),
            "fields": [
                {
                    "key": "concerns",
                    "type": "yesno",
                    "label": t("Any health or behaviour concerns?", "¿Alguna inquietud de salud o de conducta?"),
                },
                {
                    "key": "concern_details",
                    "type": "textarea",
                    "label": t("Concern details", "Detalles de la inquietud"),
                    "required": True,
                    "show_if": {"field": "concerns", **YES},
                },
                {"key": "next_steps", "type": "textarea", "label": t("Next steps", "Próximos pasos")},
            ],
        },
    ]
}

MEDICATION: dict[str, Any] = {
    "sections": [
        {
            "key": "medication",
            "title": t("Medication", "Medicamento"),
            "fields": [
                {
                    "key": "client",
                    "type": "client",
                    "label": t("Client", "Cliente"),
                    "required": True,
                    "prefill": "client",
                },
                {
                    "key": "medication",
                    "type": "text",
                    "label": t("Medication", "Medicamento"),
                    "help": t(
                        "As on the label or the medication record.",
                        "Como en la etiqueta o el registro de medicamentos.",
                    ),
                    "required": True,
                    "max_length": 255,
                },
                {"key": "dose", "type": "text", "label": t("Dose", "Dosis"), "required": True, "max_length": 100},
                {
                    "key": "route",
                    "type": "select",
                    "label": t("Route", "Vía"),
                    "required": True,
                    "options": [
                        {"value": "oral", "label": t("By mouth", "Por la boca")},
                        {"value": "sublingual", "label": t("Under the tongue", "Debajo de la lengua")},
                        {"value": "topical", "label": t("On the skin", "Sobre la piel")},
                        {"value": "inhaled", "label": t("Inhaled", "Inhalado")},
                        {"value": "eye", "label": t("Eye drops", "Gotas para los ojos")},
                        {"value": "ear", "label": t("Ear drops", "Gotas para los oídos")},
                        {"value": "nasal", "label": t("Nasal", "Nasal")},
                        {"value": "injection", "label": t("Injection", "Inyección")},
                        {"value": "rectal", "label": t("Rectal", "Rectal")},
                        {"value": "other", "label": t("Other", "Otra")},
                    ],
                },
                {"key": "time_given", "type": "time", "label": t("Time", "Hora"), "required": True},
                {
                    "key": "outcome",
                    "type": "select",
                    "label": t("Given, refused or held", "Administrado, rechazado o retenido"),
                    "required": True,
                    "options": [
                        {"value": "given", "label": t("Given", "Administrado")},
                        {"value": "refused", "label": t("Refused by the person", "Rechazado por la persona")},
                        {"value": "held", "label": t("Held", "Retenido")},
                    ],
                },
                {
                    "key": "reason",
                    "type": "textarea",
                    "label": t("Why it was not given", "Por qué no se administró"),
                    "required": True,
                    "show_if": {"field": "outcome", "in": ["refused", "held"]},
                },
                {
                    "key": "side_effects",
                    "type": "textarea",
                    "label": t("Side effects observed", "Efectos secundarios observados"),
                },
                {
                    "key": "witness_signature",
                    "type": "signature",
                    "label": t("Witness signature", "Firma del testigo"),
                },
            ],
        }
    ]
}

SERVICE_PLAN_SUMMARY: dict[str, Any] = {
    "sections": [
        {
            "key": "summary",
            "title": t("Monthly summary", "Resumen mensual"),
            "fields": [
                {
                    "key": "client",
                    "type": "client",
                    "label": t("Client", "Cliente"),
                    "required": True,
                    "prefill": "client",
                },
                {
                    "key": "month",
                    "type": "date",
                    "label": t("Month", "Mes"),
                    "help": t(
                        "Any day of the month this summary covers.", "Cualquier día del mes que cubre este resumen."
                    ),
                    "required": True,
                },
                {
                    "key": "goals_progress",
                    "type": "textarea",
                    "label": t("Progress on each goal", "Progreso en cada meta"),
                    "required": True,
                },
                {
                    "key": "progress_rating",
                    "type": "rating",
                    "label": t("Overall progress", "Progreso general"),
                    "help": t("1 = no progress, 5 = goals met.", "1 = sin progreso, 5 = metas cumplidas."),
                    "min": 1,
                    "max": 5,
                },
                {"key": "barriers", "type": "textarea", "label": t("Barriers", "Obstáculos")},
                {
                    "key": "changes_recommended",
                    "type": "yesno",
                    "label": t("Are changes to the plan recommended?", "¿Se recomiendan cambios al plan?"),
                },
                {
                    "key": "changes_details",
                    "type": "textarea",
                    "label": t("Changes recommended", "Cambios recomendados"),
                    "required": True,
                    "show_if": {"field": "changes_recommended", **YES},
                },
                {"key": "attachments", "type": "file", "label": t("Attachment", "Archivo adjunto")},
            ],
        }
    ]
}

# starter key -> the FormTemplate's values. Names stay in English (see the module's docstring).
STARTERS: dict[str, dict[str, Any]] = {
    "incident_report": {
        "template_name": "Incident report",
        "form_type": "incident_report",
        "category": "Incidents",
        "description": (
            "Report an incident the day it happens. An injury or suspected abuse alerts the managers at once.\n"
            "Informe de incidente: repórtelo el mismo día. Una lesión o sospecha de abuso avisa a los gerentes"
            " de inmediato."
        ),
        "form_structure": INCIDENT_REPORT,
        "requires_signature": True,
        "requires_approval": True,
        "signers": ["author", "approver"],
        "is_default_visit_note": False,
    },
    "progress_note": {
        "template_name": "Daily progress note",
        "form_type": "progress_note",
        "category": "Visit notes",
        "description": (
            "The note written after each visit: what was done and how the person responded.\n"
            "Nota de progreso diaria: la nota escrita después de cada visita, lo que se hizo y cómo respondió"
            " la persona."
        ),
        "form_structure": PROGRESS_NOTE,
        "requires_signature": True,
        "requires_approval": False,
        "signers": ["author"],
        "is_default_visit_note": True,
    },
    "medication": {
        "template_name": "Medication administration note",
        "form_type": "medication",
        "category": "Health",
        "description": (
            "One medication given, refused or held, with the time and the route.\n"
            "Nota de administración de medicamentos: un medicamento administrado, rechazado o retenido, con la hora"
            " y la vía."
        ),
        "form_structure": MEDICATION,
        "requires_signature": False,
        "requires_approval": False,
        "signers": [],
        "is_default_visit_note": False,
    },
    "service_plan_summary": {
        "template_name": "Monthly service plan progress summary",
        "form_type": "service_plan_summary",
        "category": "Service plans",
        "description": (
            "Each month, the progress on the person's service plan goals, for the program manager's approval.\n"
            "Resumen mensual del progreso del plan de servicio: el progreso en las metas del plan de la persona,"
            " para la aprobación del gerente del programa."
        ),
        "form_structure": SERVICE_PLAN_SUMMARY,
        "requires_signature": False,
        "requires_approval": True,
        "signers": [],
        "is_default_visit_note": False,
    },
}

# The starters' names in the reader's language (the po file has their Spanish).
NAMES = {
    "incident_report": _("Incident report"),
    "progress_note": _("Daily progress note"),
    "medication": _("Medication administration note"),
    "service_plan_summary": _("Monthly service plan progress summary"),
}


def display_name(template) -> str:
    """A template's name for pages: a starter still under its English name shows in the
    reader's language; a renamed one (or any other template) as it was named."""
    starter = getattr(template, "starter", "")
    if starter in STARTERS and template.template_name == STARTERS[starter]["template_name"]:
        return str(NAMES[starter])
    return template.template_name
