#!/usr/bin/env python3
"""The same gate as bench/gate-scale.toml, as the Python script a team would
write: json.load each report, loop, count. Only for comparison.

    python_gate.py DIR
"""
import json
import sys

RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
LEVEL = {"error": "high", "warning": "medium", "note": "low", "none": "info"}


def band(score):
    return "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low" if score > 0 else "info"


def main(directory):
    violations = 0
    with open(f"{directory}/scan.sarif") as f:
        sarif = json.load(f)
    for run in sarif["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        for result in run.get("results", []):
            rule = rules[result["ruleIndex"]] if "ruleIndex" in result else {}
            score = rule.get("properties", {}).get("security-severity")
            if score is not None:
                severity = band(float(score))
            else:
                level = result.get("level") or rule.get("defaultConfiguration", {}).get("level", "warning")
                severity = LEVEL[level]
            if RANK[severity] >= RANK["high"] and not result.get("suppressions"):
                violations += 1
    with open(f"{directory}/trivy.json") as f:
        trivy = json.load(f)
    for result in trivy["Results"]:
        for vuln in result.get("Vulnerabilities", []):
            if vuln["Severity"] == "CRITICAL":
                violations += 1
    total = covered = 0
    with open(f"{directory}/coverage.info") as f:
        for line in f:
            if line.startswith("DA:"):
                total += 1
                covered += line.rstrip().split(",")[1] != "0"
    if total and covered * 100 / total < 80:
        violations += 1
    print(f"{violations} violations")
    sys.exit(1 if violations else 0)


if __name__ == "__main__":
    main(sys.argv[1])
