"""The table of a benchmark run (Markdown, printed and written) and the files it is written to:
benchmarks/results/<date>-<commit>.md and .json, and LATEST.md (a copy of the newest)."""

import json
from pathlib import Path


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _h in header) + "|"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return lines


def all_targets(results: dict) -> list[dict]:
    return [target for part in results["parts"].values() for target in part.get("targets", [])]


def all_passed(results: dict) -> bool:
    return all(target["verdict"] == "PASS" for target in all_targets(results))


def render(results: dict) -> str:
    machine, built = results["machine"], results["dataset"]
    out = [f"# Benchmark {results['date']}", "",
           f"Commit `{machine['commit']}` ({machine['branch']}); {machine['cores']} cores, {machine['memory']} memory, "
           f"load {machine['load']} at the start.",
           f"Data set ({built.get('size')}): {built.get('counts')}; built in {built.get('seconds_total')} s.", ""]
    out += ["## Targets", ""]
    out += _table(["target", "goal", "measured", ""],
                  [[t["name"], t["goal"], t["figure"], f"**{t['verdict']}**"] for t in all_targets(results)])
    parts = results["parts"]
    if "pages" in parts:
        pages = parts["pages"]
        rounds = pages["rounds"]
        out += ["", "## 1a. Pages", "",
                f"One request's queries; median of {results['args']['repeat']} requests' wall and CPU time (ms), in "
                f"process (Django's test client, production settings), the two sizes' requests taken in turn. 5: {rounds['small']['office']} "
                f"({rounds['small']['applications']} applications); national: {rounds['national']['office']} "
                f"({rounds['national']['applications']} applications). Growth: national ÷ 5.", ""]
        rows = []
        for page, small in pages["small"].items():
            national, growth = pages["national"][page], pages["growth"][page]
            rows.append([page, small["queries"], national["queries"], small["wall_ms"], national["wall_ms"],
                         small["cpu_ms"], national["cpu_ms"], growth["queries"], growth["cpu"],
                         "" if small["status"] == national["status"] == 200 else f"{small['status']}/{national['status']}"])
        out += _table(["page", "queries 5", "queries nat.", "wall 5", "wall nat.", "CPU 5", "CPU nat.",
                       "queries ×", "CPU ×", "status"], rows)
        out += ["", f"Overhead of a logged-in page: {pages['overhead_queries']} queries (front page, signatory − anonymous)."]
    if "rush" in parts:
        rush = parts["rush"]
        out += ["", "## 1b. The deadline rush", "", rush.get("summary", ""), ""]
        out += _table(["endpoint", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "server CPU ms (median)"],
                      [[name, e["count"], e["errors"], e["p50"], e["p95"], e["p99"], e["max"], e.get("cpu_ms", "")]
                       for name, e in rush.get("endpoints", {}).items()])
        if rush.get("error_samples"):
            out += ["", "Errors (first of each kind):", ""] + [f"- {sample}" for sample in rush["error_samples"]]
        out += ["", "Database afterwards:", ""] + [f"- {key}: {value}" for key, value in rush.get("check", {}).items()]
    if "pdfs" in parts:
        pdfs = parts["pdfs"]
        out += ["", "## 1c. PDFs", ""]
        out += _table(["what", "count", "median s", "max s", "total s"],
                      [[name, row["count"], row["median"], row["max"], row["total"]] for name, row in pdfs["rows"].items()])
        out += ["", pdfs.get("summary", "")]
    if "sweep" in parts:
        sweep = parts["sweep"]
        out += ["", "## 1d. The reminder sweep", "", sweep.get("summary", "")]
    out += ["", "## How long each part took", ""]
    out += _table(["part", "seconds"], [[name, part.get("seconds")] for name, part in parts.items()])
    out += ["", f"Arguments: `{json.dumps(results['args'])}`", ""]
    return "\n".join(out)


def write(results: dict, text: str, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{results['date'][:10]}-{results['machine']['commit']}"
    markdown, data, latest = directory / f"{stem}.md", directory / f"{stem}.json", directory / "LATEST.md"
    markdown.write_text(text)
    data.write_text(json.dumps(results, indent=2, default=str))
    latest.write_text(text)
    return [markdown, data, latest]
