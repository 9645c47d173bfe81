"""The Jupyter kernel, timed as JupyterLab runs kernels (jupyter_client): start to the first
reply, a cell that prints 10 MB, and a shutdown (the request until the process is gone), for
each kernelspec named; written as hyperfine-like JSON for report.py (the first kernel is the
reference).

    python kernel.py START.json PRINT.json SHUTDOWN.json RUNS NAME...
"""
import json
import statistics
import sys
import time

import jupyter_client


def run(kc, code):
    msg_id = kc.execute(code)
    while True:
        m = kc.get_iopub_msg(timeout=120)
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"):
            return


def once(name):
    t0 = time.perf_counter()
    km = jupyter_client.KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    run(kc, "1 + 1")
    started = time.perf_counter() - t0
    t1 = time.perf_counter()
    run(kc, "print(('x' * 99 + '\\n') * 100_000)")
    printed = time.perf_counter() - t1
    kc.stop_channels()
    t2 = time.perf_counter()
    km.shutdown_kernel(now=False)
    stopped = time.perf_counter() - t2
    return started, printed, stopped


def main():
    outs, runs, names = sys.argv[1:4], int(sys.argv[4]), sys.argv[5:]
    tables = [[], [], []]
    what = ["start to first reply", "a cell printing 10 MB", "shutdown"]
    for name in names:
        times = [once(name) for _ in range(runs)]
        for i, table in enumerate(tables):
            table.append({"command": f"kernel {name}: {what[i]}",
                          "median": statistics.median(t[i] for t in times)})
    for path, results in zip(outs, tables):
        with open(path, "w") as f:
            json.dump({"results": results}, f)


main()
