#!/usr/bin/env python3
"""Reads `perf script` output of a gateway process (perf record -g, DOTNET_PerfMapEnabled=1) from stdin and prints
the share of its CPU samples per stage of the request path, as a markdown table.

A sample belongs to the stage of the innermost Switchyard frame on its stack (the folder of the type: Quotas,
Storage, ...), unless the code it is in is the HTTP client, the HTTP server, the GC or the JIT: the client's and
server's own work is upstream and client I/O whichever Switchyard method called it. Samples with no Switchyard frame
are classed by what they are in (runtime, thread pool, kernel)."""
import re
import sys
from collections import Counter

STAGES = {
    "Protocols": "parse and convert (Protocols, Wire)", "Wire": "parse and convert (Protocols, Wire)",
    "Security": "auth (Security, Tenancy)", "Tenancy": "auth (Security, Tenancy)",
    "Routing": "route (Routing)", "Resilience": "route (Routing)",
    "Quotas": "quotas (Quotas, SharedState, Resp)", "SharedState": "quotas (Quotas, SharedState, Resp)",
    "Resp": "quotas (Quotas, SharedState, Resp)",
    "Relay": "relay pipeline and usage parsing (Relay, Providers)",
    "Providers": "relay pipeline and usage parsing (Relay, Providers)",
    "Billing": "cost (Billing, Pricing)", "Pricing": "cost (Billing, Pricing)",
    "Storage": "ledger (Storage)", "Telemetry": "telemetry and request log (Telemetry)",
    "Hosting": "hosting (Hosting)", "Admin": "admin", "Configuration": "configuration", "Audit": "audit",
}
CLIENT = re.compile(r"System\.Net\.Http\.|System\.Net\.Security")
SERVER = re.compile(r"Microsoft\.AspNetCore\.Server\.Kestrel|System\.IO\.Pipelines|Microsoft\.AspNetCore\.Http\.")
SOCKETS = re.compile(r"System\.Net\.Sockets")
# P/Invoke stubs carry the name of whichever assembly made them first (a socket send may read "SQLitePCLRaw"), so
# SQLite is recognised by its own functions and its ADO.NET provider only.
SQLITE = re.compile(r"libe_sqlite3\.so|Microsoft\.Data\.Sqlite|^sqlite3[A-Za-z0-9_]*\b")
GC = re.compile(r"\bWKS::|\bSVR::|gc_heap|GCHeap|Alloc|memset|memcpy")
JIT = re.compile(r"libclrjit")
OWN = re.compile(r"\bSwitchyard\.([A-Za-z]+)\.")


def classify(frames):
    """frames: innermost first, each 'symbol (module)'. Returns the stage and the Switchyard frame it was decided by
    (None when no Switchyard frame decided it)."""
    inner = None  # the first non-Switchyard category met before the innermost Switchyard frame
    for frame in frames:
        own = OWN.search(frame)
        if own and "Switchyard.Bench" not in frame:
            if inner:
                return inner, frame
            return STAGES.get(own.group(1), own.group(1)), frame
        if inner is None:
            if JIT.search(frame):
                return "JIT", None
            if SQLITE.search(frame):
                inner = "ledger (Storage)"
            elif "IL_STUB" in frame:
                pass
            elif CLIENT.search(frame):
                inner = "upstream I/O (HttpClient)"
            elif SERVER.search(frame):
                inner = "client I/O (Kestrel)"
    if inner:
        return inner, None
    text = " ".join(frames)
    if JIT.search(text):
        return "JIT", None
    if SOCKETS.search(text) or "[kernel" in text:
        return "sockets and kernel (no Switchyard frame)", None
    if frames and ("libcoreclr" in frames[0] or GC.search(frames[0])):
        return "runtime: GC, allocation, type checks (libcoreclr)", None
    if "ThreadPool" in text or "PortableThreadPool" in text or "LowLevelLifoSemaphore" in text:
        return "thread pool", None
    return "runtime, other", None


def short(frame):
    return re.sub(r"\s*\((/tmp/perf-\d+\.map|[^)]*\.so[^)]*)\)$", "", frame)[:160]


def samples(stream):
    frames = []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line[0] not in " \t":
            frames = []
            continue
        parts = line.strip().split(" ", 1)
        frames.append(parts[1] if len(parts) > 1 else parts[0])
    if frames:
        yield frames


def main():
    args = sys.argv[1:]
    if args[:1] == ["--top"]:
        # The hottest frames of one stage (a substring of its name): the deciding Switchyard frame and the leaf.
        wanted = args[1]
        deciding, leaves, n = Counter(), Counter(), 0
        for frames in samples(sys.stdin):
            stage, frame = classify(frames)
            if wanted in stage:
                n += 1
                deciding[short(frame) if frame else "-"] += 1
                leaves[short(frames[0])] += 1
        for title, counter in (("deciding Switchyard frame", deciding), ("leaf frame", leaves)):
            print(f"\n{title} ({n} samples):")
            for name, count in counter.most_common(25):
                print(f"{count * 100 / (n or 1):5.1f} %  {name}")
        return
    counts = Counter(classify(frames)[0] for frames in samples(sys.stdin))
    total = sum(counts.values()) or 1
    scale = float(args[0]) if args else None
    print("| stage | share of gateway CPU |" + (" µs/req |" if scale else ""))
    print("|---|---|" + ("---|" if scale else ""))
    for stage, n in counts.most_common():
        row = f"| {stage} | {n * 100 / total:.1f} % |"
        if scale:
            row += f" {n * scale / total:.1f} |"
        print(row)
    print(f"\n{total} samples.")


main()
