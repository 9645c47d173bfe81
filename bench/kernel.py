"""The Jupyter kernel, timed as JupyterLab runs kernels (jupyter_client): start to the first
reply, and a cell that prints 10 MB, for each kernelspec named; written as hyperfine-like JSON
for report.py (the first kernel is the reference).

    python kernel.py START.json OUTPUT.json RUNS NAME...
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
    km.shutdown_kernel(now=True)
    return started, printed


def main():
    start_out, print_out, runs, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    starts, prints = [], []
    for name in names:
        times = [once(name) for _ in range(runs)]
        starts.append({"command": f"kernel {name}: start to first reply",
                       "median": statistics.median(t[0] for t in times)})
        prints.append({"command": f"kernel {name}: a cell printing 10 MB",
                       "median": statistics.median(t[1] for t in times)})
    for path, results in ((start_out, starts), (print_out, prints)):
        with open(path, "w") as f:
            json.dump({"results": results}, f)


main()
