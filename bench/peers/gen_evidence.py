#!/usr/bin/env python3
"""Deterministic synthetic CI evidence for the peer benchmark.

Writes, into OUT_DIR:
  scan.sarif     SARIF 2.1.0, one file, several runs (CodeQL, Semgrep, gosec, Bandit)
  trivy.json     Trivy JSON report (SchemaVersion 2) with N vulnerabilities
  coverage.xml   Cobertura XML (coverage.py flavour) with N files
  manifest.json  sizes, seed, and the expected gate summary (an oracle that
                 every peer must reproduce)

Same arguments -> byte-identical files (seeded PRNG, no clock, no hash order).
Only the Python standard library is used.

Usage:
  gen_evidence.py --results 100000 --out /tmp/peer-bench-data/100k
  gen_evidence.py --results 1000 --profile pass --out /tmp/x   # a passing set
"""

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

TOOLS = [
    # name, rule-id prefix, version, info uri, share of results, language ext
    ("CodeQL", "CQL", "2.19.3", "https://codeql.github.com", 0.40, "js"),
    ("Semgrep OSS", "SGP", "1.97.0", "https://semgrep.dev", 0.30, "py"),
    ("gosec", "GSC", "2.21.4", "https://github.com/securego/gosec", 0.15, "go"),
    ("Bandit", "BDT", "1.7.10", "https://bandit.readthedocs.io", 0.15, "py"),
]
RULES_PER_TOOL = 80
CWES = [79, 89, 22, 78, 94, 502, 611, 798, 327, 200, 352, 918, 434, 287, 862, 20, 400, 601]
WORDS = ("user input request handler query path command token secret file "
         "buffer parser config session cookie header stream template render "
         "archive url redirect password cipher hash random socket").split()
MODULES = ["api", "auth", "billing", "core", "db", "jobs", "web", "cli", "sdk", "util",
           "admin", "search", "storage", "notify", "report", "sync", "cache", "infra"]


def load_config():
    with open(os.path.join(HERE, "gate_config.json"), encoding="utf-8") as f:
        return json.load(f)["gate_config"]


def sev_str(x):
    return "%.1f" % x


def make_rules(rng, tool_idx):
    name, prefix, _, _, _, _ = TOOLS[tool_idx]
    rules = []
    for k in range(1, RULES_PER_TOOL + 1):
        rid = "%s%04d" % (prefix, k)
        cwe = rng.choice(CWES)
        # Fixed edge cases per tool (see README: "what the data exercises").
        if k == 1:
            level, sev = "error", 9.1      # allowlisted
        elif k == 2:
            level, sev = "error", 8.2      # allowlisted
        elif k == 3:
            level, sev = "error", 7.0      # exactly at threshold -> violation
        elif k == 4:
            level, sev = "error", None     # quality rule, no security-severity
        elif k == 5:
            level, sev = "error", 6.9      # just below threshold
        else:
            level = rng.choices(["error", "warning", "note"], [35, 45, 20])[0]
            sev = None if rng.random() < 0.15 else rng.randint(10, 100) / 10.0
        props = {"precision": rng.choice(["very-high", "high", "medium"]),
                 "problem.severity": {"error": "error", "warning": "warning", "note": "recommendation"}[level]}
        if sev is None:
            props["tags"] = ["maintainability", "correctness"]
        else:
            props["tags"] = ["security", "external/cwe/cwe-%03d" % cwe]
            props["security-severity"] = sev_str(sev)
        w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
        rules.append({
            "id": rid,
            "name": "%s%s%s" % (w1.capitalize(), w2.capitalize(), k),
            "shortDescription": {"text": "Unsafe %s reaches %s" % (w1, w2)},
            "fullDescription": {"text": "Data from a %s flows into a %s without validation (CWE-%d)." % (w1, w2, cwe)},
            "defaultConfiguration": {"level": level},
            "helpUri": "https://example.invalid/rules/%s" % rid,
            "properties": props,
        })
    return rules


def rule_sev(rule):
    s = rule["properties"].get("security-severity")
    return None if s is None else float(s)


def gen_sarif(path, n_results, profile, cfg, seed):
    rng = random.Random("%s-sarif" % seed)
    allow = set(cfg["allowlist_rule_ids"])
    thr = float(cfg["sarif_min_security_severity"])
    want_level = cfg["sarif_level"]
    counts = []
    remaining = n_results
    for i, t in enumerate(TOOLS):
        c = remaining if i == len(TOOLS) - 1 else int(n_results * t[4])
        counts.append(c)
        remaining -= c
    expected = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[')
        for ti, (name, prefix, version, info, _, ext) in enumerate(TOOLS):
            rules = make_rules(rng, ti)
            weights = [1.0 / (k + 1) ** 0.7 for k in range(len(rules))]
            cum, acc = [], 0.0
            for w in weights:
                acc += w
                cum.append(acc)
            if ti:
                out.write(",")
            head = {
                "tool": {"driver": {"name": name, "semanticVersion": version,
                                    "informationUri": info, "rules": rules}},
                "automationDetails": {"id": "ci/%s/" % name.lower().replace(" ", "-")},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///home/runner/work/app/"}},
                "columnKind": "utf16CodeUnits",
            }
            s = json.dumps(head, separators=(",", ":"))
            out.write(s[:-1] + ',"results":[')
            buf = []
            for j in range(counts[ti]):
                ri = rng.choices(range(len(rules)), cum_weights=cum)[0]
                rule = rules[ri]
                level = rule["defaultConfiguration"]["level"]
                if rng.random() < 0.10:
                    level = rng.choice(["error", "warning", "note"])
                override = None
                props = None
                roll = rng.random()
                if roll < 0.08:
                    override = rng.randint(10, 100) / 10.0
                    props = {"security-severity": sev_str(override), "tags": ["security"]}
                elif roll < 0.30:
                    props = {"tags": list(rule["properties"]["tags"])}
                sev = override if override is not None else rule_sev(rule)
                violating = (level == want_level and sev is not None and sev >= thr
                             and rule["id"] not in allow)
                if violating and profile == "pass":
                    level = "warning"
                    violating = False
                if violating:
                    expected += 1
                mod = rng.choice(MODULES)
                line = rng.randint(1, 2000)
                col = rng.randint(1, 80)
                w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
                res = {
                    "ruleId": rule["id"],
                    "ruleIndex": ri,
                    "level": level,
                    "message": {"text": "%s: this %s depends on a user-provided %s in %s_%d()."
                                % (rule["shortDescription"]["text"], w1, w2, w2, rng.randint(1, 999))},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": "src/%s/%s_%d.%s" % (mod, w1, rng.randint(1, 400), ext),
                                             "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": line, "startColumn": col,
                                   "endLine": line + rng.randint(0, 3), "endColumn": col + rng.randint(1, 40)}}}],
                    "partialFingerprints": {"primaryLocationLineHash": "%016x:1" % rng.getrandbits(64),
                                            "primaryLocationStartColumnFingerprint": str(col % 17)},
                }
                if props is not None:
                    res["properties"] = props
                buf.append(json.dumps(res, separators=(",", ":")))
                if len(buf) >= 5000:
                    out.write(("," if j >= len(buf) else "") + ",".join(buf))
                    buf = []
            if buf:
                out.write(("," if counts[ti] > len(buf) else "") + ",".join(buf))
            out.write("]}")
        out.write("]}\n")
    return expected


def gen_trivy(path, n_vulns, profile, cfg, seed):
    rng = random.Random("%s-trivy" % seed)
    crit = cfg["trivy_severity"]
    n_targets = min(50, max(3, n_vulns // 1000))
    per = [n_vulns // n_targets] * n_targets
    per[-1] += n_vulns - sum(per)
    results = []
    expected = 0
    expected_band = 0
    vid = 0
    for t in range(n_targets):
        if t == 0:
            target, cls, typ = "registry.example.invalid/app:1.4.2 (debian 12.7)", "os-pkgs", "debian"
        else:
            typ = rng.choice(["npm", "pip", "gomod", "cargo", "jar"])
            target, cls = "app/%s/lockfile-%d" % (typ, t), "lang-pkgs"
        vulns = []
        for _ in range(per[t]):
            vid += 1
            sev = rng.choices(["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"], [6, 22, 40, 27, 5])[0]
            status = rng.choices(["fixed", "affected", "will_not_fix"], [60, 30, 10])[0]
            if profile == "pass" and sev == crit:
                status = "affected"
            pkg = "%s-%s" % (rng.choice(WORDS), rng.choice(WORDS))
            inst = "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 40))
            cwe = rng.choice(CWES)
            cve = "CVE-%d-%05d" % (rng.randint(2015, 2026), vid % 100000)
            v = {
                "VulnerabilityID": cve,
                "PkgID": "%s@%s" % (pkg, inst),
                "PkgName": pkg,
                "PkgIdentifier": {"PURL": "pkg:%s/%s@%s" % (typ, pkg, inst), "UID": "%016x" % rng.getrandbits(64)},
                "InstalledVersion": inst,
                "Status": status,
            }
            if status == "fixed":
                # A few scanners emit an empty FixedVersion; it must not count as a fix.
                v["FixedVersion"] = "" if rng.random() < 0.03 else inst.rsplit(".", 1)[0] + ".%d" % (int(inst.rsplit(".", 1)[1]) + 1)
            v.update({
                "Layer": {"DiffID": "sha256:%064x" % rng.getrandbits(256)},
                "SeveritySource": rng.choice(["nvd", "ghsa", "debian"]),
                "PrimaryURL": "https://avd.example.invalid/nvd/%s" % cve.lower(),
                "DataSource": {"ID": "ghsa", "Name": "GitHub Security Advisory", "URL": "https://example.invalid/advisories"},
                "Title": "%s: %s %s via crafted %s" % (pkg, rng.choice(WORDS), rng.choice(["overflow", "injection", "bypass", "DoS"]), rng.choice(WORDS)),
                "Description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 45))),
                "Severity": sev,
                "CweIDs": ["CWE-%d" % cwe],
                "VendorSeverity": {"nvd": rng.randint(1, 4), "ghsa": rng.randint(1, 4)},
                "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                 "V3Score": rng.randint(10, 100) / 10.0}},
                "References": ["https://example.invalid/ref/%d" % rng.randint(1, 10 ** 6) for _ in range(3)],
                "PublishedDate": "2024-%02d-%02dT12:00:00Z" % (rng.randint(1, 12), rng.randint(1, 28)),
                "LastModifiedDate": "2025-%02d-%02dT12:00:00Z" % (rng.randint(1, 12), rng.randint(1, 28)),
            })
            fixed = isinstance(v.get("FixedVersion"), str) and v["FixedVersion"] != ""
            if sev == crit and fixed:
                expected += 1
            # The reading of tools that take an unrated (`UNKNOWN`) advisory's
            # CVSS band instead (verdict: fail closed on a 9.0+ score).
            if fixed and (sev == crit or (sev == "UNKNOWN" and v["CVSS"]["nvd"]["V3Score"] >= 9.0)):
                expected_band += 1
            vulns.append(v)
        results.append({"Target": target, "Class": cls, "Type": typ, "Vulnerabilities": vulns})
    # Targets with nothing found: Trivy omits the Vulnerabilities key.
    results.append({"Target": "app/.env.example", "Class": "secret"})
    results.append({"Target": "app/Dockerfile", "Class": "config", "Type": "dockerfile"})
    doc = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-01-01T00:00:00Z",
        "ArtifactName": "registry.example.invalid/app:1.4.2",
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "12.7"},
                     "ImageID": "sha256:%064x" % rng.getrandbits(256),
                     "RepoTags": ["registry.example.invalid/app:1.4.2"]},
        "Results": results,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return expected, expected_band


def gen_cobertura(path, n_files, profile, cfg, seed):
    rng = random.Random("%s-cobertura" % seed)
    p_hit = 0.86 if profile == "pass" else 0.76
    classes = []
    total_valid = total_cov = 0
    for i in range(n_files):
        pkg = "%s.%s" % (rng.choice(MODULES), "sub%d" % (i // 20))
        n_lines = rng.randint(10, 60)
        lines = []
        cov = 0
        ln = 0
        for _ in range(n_lines):
            ln += rng.randint(1, 4)
            hits = rng.randint(1, 30) if rng.random() < p_hit else 0
            cov += 1 if hits else 0
            lines.append('<line number="%d" hits="%d"/>' % (ln, hits))
        total_valid += n_lines
        total_cov += cov
        base = "%s_%d.py" % (rng.choice(WORDS), i)
        fname = "%s/%s" % (pkg.replace(".", "/"), base)
        classes.append((pkg, '<class name="%s" filename="%s" complexity="0" line-rate="%.4f" branch-rate="0">'
                        '<methods/><lines>%s</lines></class>' % (base, fname, cov / n_lines, "".join(lines))))
    rate = total_cov / total_valid if total_valid else 0.0
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" ?>\n')
        f.write('<coverage version="7.6.1" timestamp="1767225600000" lines-valid="%d" lines-covered="%d" '
                'line-rate="%.4f" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">\n'
                % (total_valid, total_cov, rate))
        f.write('\t<!-- Generated by gen_evidence.py in the style of coverage.py -->\n')
        f.write('\t<sources>\n\t\t<source>/home/runner/work/app/src</source>\n\t</sources>\n\t<packages>\n')
        cur = None
        for pkg, xml in classes:
            if pkg != cur:
                if cur is not None:
                    f.write('</classes></package>\n')
                f.write('\t\t<package name="%s" line-rate="0" branch-rate="0" complexity="0"><classes>' % pkg)
                cur = pkg
            f.write(xml)
        if cur is not None:
            f.write('</classes></package>\n')
        f.write('\t</packages>\n</coverage>\n')
    return 1 if rate < float(cfg["min_line_coverage"]) else 0, total_cov, total_valid


SIZE_LABELS = {"1k": 1000, "10k": 10000, "100k": 100000, "1M": 1000000}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", required=True,
                    help="number of SARIF results (integer, or 1k/10k/100k/1M)")
    ap.add_argument("--trivy-vulns", type=int, help="default: results/20 (at least 20)")
    ap.add_argument("--coverage-files", type=int, help="default: results/50 (at least 10)")
    ap.add_argument("--profile", choices=["fail", "pass"], default="fail")
    ap.add_argument("--seed", default="verdict-peers-1")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    n = SIZE_LABELS.get(a.results) or int(a.results)
    nv = a.trivy_vulns if a.trivy_vulns is not None else max(20, n // 20)
    nf = a.coverage_files if a.coverage_files is not None else max(10, n // 50)
    cfg = load_config()
    os.makedirs(a.out, exist_ok=True)
    e_sarif = gen_sarif(os.path.join(a.out, "scan.sarif"), n, a.profile, cfg, a.seed)
    e_trivy, e_trivy_band = gen_trivy(os.path.join(a.out, "trivy.json"), nv, a.profile, cfg, a.seed)
    e_cov, cov, valid = gen_cobertura(os.path.join(a.out, "coverage.xml"), nf, a.profile, cfg, a.seed)
    def summary_of(e_trivy):
        total = e_sarif + e_trivy + e_cov
        return "decision=%s violations=%d sarif=%d trivy=%d coverage=%d" % (
            "fail" if total else "pass", total, e_sarif, e_trivy, e_cov)
    summary = summary_of(e_trivy)
    manifest = {
        "seed": a.seed, "profile": a.profile,
        "sarif_results": n, "trivy_vulns": nv, "coverage_files": nf,
        "coverage_lines_covered": cov, "coverage_lines_valid": valid,
        "bytes": {name: os.path.getsize(os.path.join(a.out, name))
                  for name in ("scan.sarif", "trivy.json", "coverage.xml")},
        "expected_summary": summary,
        # Trivy's unrated advisories judged by their CVSS band (README: "verdict's reading").
        "expected_summary_cvss_band": summary_of(e_trivy_band),
    }
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(summary)


if __name__ == "__main__":
    sys.exit(main())
