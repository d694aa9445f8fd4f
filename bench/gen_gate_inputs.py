#!/usr/bin/env python3
"""Generates the whole-gate scale inputs: SARIF results, Trivy vulnerabilities
and LCOV files, deterministically (fixed seed).

    gen_gate_inputs.py OUT_DIR [--results N] [--vulns N] [--files N]
"""
import argparse
import json
import os
import random

SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"]


def sarif(path, results, rules=300):
    rng = random.Random(1)
    levels = ["error", "warning", "note"]
    with open(path, "w") as out:
        rule_objs = []
        for i in range(rules):
            score = rng.choice(["9.8", "7.5", "5.3", "3.1", "0.0"])
            rule_objs.append({
                "id": f"rule-{i:03}",
                "shortDescription": {"text": f"Rule {i} finds a problem"},
                "defaultConfiguration": {"level": rng.choice(levels)},
                "properties": {"security-severity": score if i % 20 == 0 else "4.0",
                               "tags": ["security", f"external/cwe/cwe-{i % 900 + 1}"]},
            })
        head = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"}
        out.write(json.dumps(head)[:-1])
        out.write(', "runs": [{"tool": {"driver": {"name": "BenchScanner", "version": "1.0", "rules": ')
        out.write(json.dumps(rule_objs))
        out.write('}}, "results": [')
        for i in range(results):
            rule = rng.randrange(rules)
            result = {
                "ruleId": f"rule-{rule:03}",
                "ruleIndex": rule,
                "message": {"text": f"Possible issue number {i} in handler; user input reaches a sink"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f"src/module{i % 5000}/file{i % 97}.py"},
                    "region": {"startLine": i % 900 + 1, "startColumn": 5, "endLine": i % 900 + 2}}}],
                "partialFingerprints": {"primaryLocationLineHash": f"{i:016x}:1"},
            }
            if i:
                out.write(",")
            out.write(json.dumps(result, separators=(",", ":")))
        out.write("]}]}\n")


def trivy(path, vulns):
    rng = random.Random(2)
    items = []
    for i in range(vulns):
        sev = rng.choices(SEVERITIES, weights=[1, 10, 40, 40, 9])[0]
        items.append({
            "VulnerabilityID": f"CVE-2024-{10000 + i}",
            "PkgName": f"pkg{i % 3000}",
            "InstalledVersion": f"1.{i % 17}.0",
            "FixedVersion": f"1.{i % 17}.1" if i % 3 else "",
            "Severity": sev,
            "Title": f"Issue {i} in pkg{i % 3000}",
            "CVSS": {"nvd": {"V3Score": round(rng.uniform(1, 10), 1)}},
        })
    report = {"SchemaVersion": 2, "ArtifactName": "bench", "ArtifactType": "filesystem",
              "Results": [{"Target": "requirements.txt", "Class": "lang-pkgs", "Type": "pip",
                           "Vulnerabilities": items}]}
    with open(path, "w") as out:
        json.dump(report, out)


def lcov(path, files, lines=60):
    rng = random.Random(3)
    with open(path, "w") as out:
        for f in range(files):
            out.write(f"TN:\nSF:src/pkg{f % 400}/file{f}.py\n")
            hit = 0
            for line in range(1, lines + 1):
                count = rng.choice([0, 1, 3, 7]) if rng.random() < 0.9 else 0
                hit += count > 0
                out.write(f"DA:{line},{count}\n")
            out.write(f"LF:{lines}\nLH:{hit}\nend_of_record\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--vulns", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sarif(os.path.join(args.out, "scan.sarif"), args.results)
    trivy(os.path.join(args.out, "trivy.json"), args.vulns)
    lcov(os.path.join(args.out, "coverage.info"), args.files)


if __name__ == "__main__":
    main()
