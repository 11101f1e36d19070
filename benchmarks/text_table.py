"""Mean and spread over seeds of `examples/text_names.py` results.

Reads the `metrics.json` files the example writes and prints one Markdown
row per model: the mean over the files, with the half range (max - min) / 2
after `±`, of the 4-gram distance to the held-out texts as a multiple of
the same-size real floor, novelty, diversity, validity, invalid share,
length distance, and training minutes.

```
python benchmarks/text_table.py out/*/metrics.json
```
"""

import argparse
import collections
import json

import numpy as np

COLUMNS = [
    ("jsd_4 / floor", "4-gram JSD / floor", "{:.3f}"),
    ("jsd_4", "4-gram JSD", "{:.3f}"),
    ("jsd_2", "2-gram JSD", "{:.4f}"),
    ("novelty", "novelty", "{:.3f}"),
    ("diversity", "diversity", "{:.3f}"),
    ("validity", "validity", "{:.3f}"),
    ("invalid", "invalid", "{:.4f}"),
    ("length_distance", "length TV", "{:.3f}"),
]


def cell(values, fmt):
    values = np.asarray(values, dtype="float64")
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(values.mean())} ± {fmt.format((values.max() - values.min()) / 2)}"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--label", action="append", default=[],
                        help="PATH_PREFIX=NAME: the run name of files under a prefix.")
    args = parser.parse_args(argv)
    labels = dict(item.split("=", 1) for item in args.label)
    rows = collections.defaultdict(lambda: collections.defaultdict(list))
    for path in args.paths:
        with open(path) as file:
            result = json.load(file)
        run = next((name for prefix, name in labels.items() if path.startswith(prefix)), None)
        for model, metrics in result["metrics"].items():
            name = model if run is None or model.startswith(("real", "Markov")) else f"{run}: {model}"
            for key, _, _ in COLUMNS:
                rows[name][key].append(metrics[key])
            if run is None or not model.startswith(("real", "Markov")):
                if not model.startswith(("real", "Markov")) and "," not in model:
                    rows[name]["minutes"].append(result["train_seconds"] / 60)
            rows[name]["seeds"].append(result["args"]["seed"])
    header = ["run", "seeds"] + [title for _, title, _ in COLUMNS] + ["train min"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, values in rows.items():
        cells = [name, str(len(values["seeds"]))]
        cells += [cell(values[key], fmt) for key, _, fmt in COLUMNS]
        cells.append(cell(values["minutes"], "{:.1f}") if values["minutes"] else "")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
