from django.contrib import admin

from analysis.models import AnalysisRun, ApiCall
from core.admin_display import ReadOnlyModelAdmin, json_details, shown_as
from core.display import count_display, money_display, ms_display

cost = shown_as("cost_usd", money_display, "Cost")
latency = shown_as("latency_ms", ms_display, "Latency")
input_tokens = shown_as("input_tokens", count_display, "Input tokens")
output_tokens = shown_as("output_tokens", count_display, "Output tokens")
cache_read_tokens = shown_as("cache_read_tokens", count_display, "Cache read tokens")


@admin.register(AnalysisRun)
class AnalysisRunAdmin(ReadOnlyModelAdmin):
    list_display = [
        "id",
        "call",
        "analyzer",
        "model",
        "status",
        "chunk_count",
        input_tokens,
        cost,
        "created_at",
    ]
    list_filter = ["status", "analyzer", "mode", "model"]
    search_fields = ["call__id", "call__title", "cache_key"]
    list_select_related = ["call"]
    date_hierarchy = "created_at"
    readonly_fields = ["result_json", cost, latency]
    exclude = ["result", "cost_usd", "latency_ms"]

    @admin.display(description="Result")
    def result_json(self, obj: AnalysisRun) -> str:
        return json_details(obj.result)


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyModelAdmin):
    list_display = [
        "created_at",
        "purpose",
        "model",
        "mode",
        "status",
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cost,
        latency,
    ]
    list_filter = ["purpose", "status", "mode", "model", "pii_redacted"]
    search_fields = ["call_id", "request_id", "batch_id"]
    date_hierarchy = "created_at"
    readonly_fields = [cost, latency]
    exclude = ["cost_usd", "latency_ms"]
