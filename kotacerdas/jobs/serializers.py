"""API shapes. Public shapes carry no personal data; applicant contact only where selectors.can_see_contact."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kotacerdas.jobs import selectors
from kotacerdas.jobs.models import Application, JobEvent, Stage, Vacancy


class JobVacancySerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name", read_only=True)
    sector_name = serializers.CharField(source="get_sector_display", read_only=True)
    education_name = serializers.CharField(source="get_education_min_display", read_only=True)
    kecamatan = serializers.CharField(source="kecamatan.code", read_only=True)
    kecamatan_name = serializers.CharField(source="kecamatan.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "description", "company", "sector", "sector_name", "education_min",
                  "education_name", "skills", "experience_min_years", "kecamatan", "kecamatan_name", "salary_min",
                  "salary_max", "quota", "closes_on", "status", "published_at"]


class JobApplicantSerializer(serializers.Serializer):
    name = serializers.CharField()
    education = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)


class JobApplicationSerializer(serializers.ModelSerializer):
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True)
    company = serializers.CharField(source="vacancy.company.name", read_only=True)
    stage_name = serializers.CharField(source="get_stage_display", read_only=True)
    applicant = serializers.SerializerMethodField()
    next_stages = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "vacancy", "vacancy_title", "company", "stage", "stage_name", "match_score", "created",
                  "stage_changed_at", "applicant", "next_stages"]

    @extend_schema_field(JobApplicantSerializer)
    def get_applicant(self, obj: Application) -> dict[str, Any]:
        user = self.context["request"].user
        seeker = obj.seeker
        contact = selectors.can_see_contact(user, obj)
        return {"name": seeker.user.display_name, "education": seeker.get_education_display(),
                "skills": seeker.skills or [], "email": seeker.user.email if contact else None,
                "phone": seeker.user.phone if contact else None}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_stages(self, obj: Application) -> list[str]:
        from kotacerdas.jobs.actions import TRANSITIONS

        return [s for s in Stage.values if s in TRANSITIONS[obj.stage]]


class JobApplyRequest(serializers.Serializer):
    cover_letter = serializers.CharField(required=False, allow_blank=True, max_length=3000)


class JobStageRequest(serializers.Serializer):
    stage = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)
    placed_on = serializers.CharField(required=False, allow_blank=True)
    position = serializers.CharField(required=False, allow_blank=True, max_length=120)


class JobMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class JobEventSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    registered = serializers.IntegerField(read_only=True)
    companies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = JobEvent
        fields = ["id", "kind", "kind_name", "title", "description", "venue", "starts_on", "ends_on", "capacity",
                  "registered", "companies"]


class Ak1VerifySerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Masked: the last four digits are hidden.")
    status = serializers.CharField()
    valid = serializers.BooleanField()
    issued_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)  # both are set when a number is issued; null otherwise
