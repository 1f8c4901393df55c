"""The benchmark's results as a table for people (the JSON file is the complete record)."""

from __future__ import annotations

from typing import Any


def _load(values: list[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _latency(summary: dict[str, float]) -> str:
    return " / ".join(f"{summary[key]:.0f}" for key in ("p50", "p95", "p99", "max")) + " ms"


def _per_cpu(value: float | None) -> str:
    return f"{value:.1f}/CPU-s" if value is not None else "n/a"


def render_offline(offline: dict[str, Any]) -> list[str]:
    full, floor, warm = offline["full"], offline["floor"], offline["warm"]
    lines = [
        f"offline, one core: {offline['articles']} articles of {offline['tokens_per_article']:.0f} tokens, "
        f"each new, after {offline['warmup_articles']} others, stories {'on' if offline['stories'] else 'off'} "
        f"(load {_load(offline['load_average_before'])})",
    ]
    parts = (("full enrichment", full), ("floor", floor), ("full, seen again", warm))
    for name, part in parts:
        lines.append(
            f"  {name:<18} {part['articles_per_second']:8.1f} articles/s {part['tokens_per_second']:10.0f} tokens/s "
            f"{part['ms_per_article']:8.2f} ms/article  {_per_cpu(part['articles_per_cpu_second'])}"
        )
    lines.append(
        f"  {'full / floor':<18} {offline['full_share_of_floor_cpu']:8.2f}× per CPU-s   "
        f"{offline['full_share_of_floor']:.2f}× per s"
    )
    return lines


def _cores(run: dict[str, Any]) -> str:
    return f" on {run['worker_cores_used']:.2f} cores" if run["worker_cores_used"] is not None else ""


def _drain_line(name: str, run: dict[str, Any]) -> str:
    return (
        f"  {name:<18} {run['records_per_second']:8.1f} articles/s  "
        f"{_per_cpu(run['records_per_worker_cpu_second'])}{_cores(run)}  "
        f"peak RSS {' + '.join(f'{rss:.0f}' for rss in run['peak_rss_mib'])} MiB  "
        f"start→last output {run['seconds_from_start_to_last_output']:.1f}s  load {run['load_average_before'][0]:.1f}"
    )


def _per_cpu_ratio(run: dict[str, Any], other: dict[str, Any]) -> str:
    mine, theirs = run["records_per_worker_cpu_second"], other["records_per_worker_cpu_second"]
    return f"   {mine / theirs:.3f} per CPU-s" if mine and theirs else ""


def render_stream(stream: dict[str, Any]) -> list[str]:
    enrich, latency = stream["enrich"], stream["latency"]
    return [
        f"stream, one worker, {enrich['records']} pre-filled articles (load {_load(stream['load_average_before'])})",
        _drain_line("enrich worker", enrich),
        _drain_line("  stories off", stream["enrich_without_stories"]),
        f"  {'stories on / off':<18} "
        f"{enrich['records_per_second'] / stream['enrich_without_stories']['records_per_second']:8.3f} per s"
        + _per_cpu_ratio(enrich, stream["enrich_without_stories"]),
        _drain_line("pass-through", stream["pass_through"]),
        f"  {'enrich / pass':<18} {stream['enrich_share_of_pass_through']:8.3f}",
        f"  latency at {latency['rate_per_second']:.1f} articles/s for {latency['seconds']:.0f}s "
        f"({latency['records']} articles, after {latency['warmup_records']} not counted), p50 / p95 / p99 / max:",
        f"    enrich, produce → read by a consumer   {_latency(latency['produce_to_consumer_ms'])}",
        f"    enrich, produce → output record        {_latency(latency['produce_to_enriched_record_ms'])}",
        f"    pass-through, produce → output record  "
        f"{_latency(stream['latency_pass_through']['produce_to_enriched_record_ms'])}",
        *render_profile("enrich worker draining", enrich.get("profile")),
        *render_profile("enrich worker at the latency rate", latency.get("profile")),
    ]


def render_profile(what: str, profile: dict[str, Any] | None, shown: int = 12) -> list[str]:
    """The functions most often on the stack in py-spy's samples, then those most often running."""
    if not profile or not profile["samples"]:
        return []
    lines = [f"  py-spy, {what}: {profile['samples']} samples ({profile['samples_file']})"]
    lines += [f"    {share:6.1%} on stack  {name}" for name, share in profile["inclusive"][:shown]]
    lines += [f"    {share:6.1%} running   {name}" for name, share in profile["self"][:shown]]
    return lines


def render_scale(scale: dict[str, Any]) -> list[str]:
    single, double = scale["runs"]
    shares = " + ".join(str(count) for count in double["records_per_worker"])
    return [
        f"scale, one consumer group, pre-filled topic (load {_load(scale['load_average_before'])})",
        _drain_line("1 worker", single) + ("  (the stream run)" if scale["one_worker_run"] != "own" else ""),
        _drain_line("2 workers", double) + f"  records {shares}",
        f"  {'2 / 1':<18} {scale['speedup']:8.2f}×",
    ]


def _spread(summary: dict[str, float], unit: str, digits: int) -> str:
    return f"{summary['median']:.{digits}f} {unit} ({summary['min']:.{digits}f}–{summary['max']:.{digits}f})"


def render_startup(startup: dict[str, Any]) -> list[str]:
    lines = [
        f"start-up, whole processes, median (range) of {startup['runs']} runs "
        f"(load {_load(startup['load_average_before'])})"
    ]
    names = {"enrich_one_article": f"enrich, 1 article of {startup['article_tokens']} tokens", "help": "--help"}
    for key, name in names.items():
        run = startup[key]
        lines.append(
            f"  {name:<34} {_spread(run['seconds'], 's', 2)}   peak RSS {_spread(run['peak_rss_mib'], 'MiB', 0)}"
        )
    if "worker_to_ready" in startup:
        ready = startup["worker_to_ready"]
        lines.append(
            f"  {'worker, launch → /ready 200':<34} {_spread(ready['seconds'], 's', 2)}   "
            f"peak RSS {_spread(ready['peak_rss_mib'], 'MiB', 0)}"
        )
    return lines


#: Peak resident memory a worker may reach with the default tagger, in bytes (300 MB).
RSS_LIMIT_BYTES = 300e6


def targets(results: dict[str, Any]) -> list[tuple[str, float | None, str, bool]]:
    """Each target of the parts this run has: what, the measured value (None: the run was too short
    to measure it), the bound, whether it is met."""
    checks: list[tuple[str, float | None, str, bool]] = []
    offline, stream, scale = results.get("offline"), results.get("stream"), results.get("scale")
    if offline:
        share = offline["full_share_of_floor_cpu"]
        checks.append(("full / floor per CPU-s, new articles", share, "≥ 1.0", share >= 1.0))
    if stream:
        enrich = stream["enrich"]
        if offline:
            worker = enrich["records_per_worker_cpu_second"]
            share = worker / offline["full"]["articles_per_cpu_second"] if worker else None
            checks.append(("worker / offline per CPU-s", share, "≥ 0.8", share is not None and share >= 0.8))
        p99 = stream["latency"]["produce_to_enriched_record_ms"]["p99"]
        base = stream["latency_pass_through"]["produce_to_enriched_record_ms"]["p99"]
        checks.append(("p99 at half capacity / pass-through p99", p99 / base, "≤ 3", p99 <= 3 * base))
        checks.append(("p99 at half capacity, ms", p99, "≤ 250", p99 <= 250))
        peak = max(enrich["peak_rss_mib"] + [stream["latency"]["peak_rss_mib"]]) * 1024 * 1024
        checks.append(("worker peak RSS, MB", peak / 1e6, "≤ 300", peak <= RSS_LIMIT_BYTES))
    if scale:
        one, two = (run["records_per_worker_cpu_second"] for run in scale["runs"])
        share = two / one if one and two else None
        checks.append(("two workers / one per CPU-s", share, "≥ 0.9", share is not None and share >= 0.9))
    return checks


def render_targets(results: dict[str, Any]) -> list[str]:
    checks = targets(results)
    if not checks:
        return []
    lines = ["targets"]
    for name, value, bound, met in checks:
        measured = f"{value:8.2f}" if value is not None else "     n/a"
        verdict = "met" if met else "NOT met" if value is not None else "(too short a run to measure)"
        lines.append(f"  {name:<42} {measured}  {bound:<6} {verdict}")
    return lines


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        f"Khabar benchmark {results['date']} · {machine['cpu_model']} · {machine['nproc']} CPUs · "
        f"tagger {results['tagger']['name']} {results['tagger']['version']}",
        f"load average (1/5/15 min) before {_load(results['load_average']['before'])}, "
        f"after {_load(results['load_average']['after'])}",
    ]
    parts = {"startup": render_startup, "offline": render_offline, "stream": render_stream, "scale": render_scale}
    for part, render_part in parts.items():
        if part in results:
            lines += ["", *render_part(results[part])]
    checks = render_targets(results)
    return "\n".join([*lines, *(["", *checks] if checks else [])])
