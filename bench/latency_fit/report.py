"""Rounds the fitted model (model_fit.json) to 3 significant digits, writes proposed_latency.json
(the block proposed for resources/boards/virtual-m7.json and virtual-m4.json) and prints
estimate/measured per network for today's table and the proposal."""
import json, fit
def r3(x): return float("%.3g" % x)
m = json.load(open("model_fit.json"))
model = {fam: {k: r3(v) for k, v in terms.items() if v != 0} for fam, terms in m["model"].items()}
json.dump({"format": "latency-terms (proposal)", "unit": "instructions on the virtual boards (QEMU -icount); the same for virtual-m7 and virtual-m4",
           "fitted_on": m["train"], "weighting": "relative error per layer", "terms": model,
           "not_fitted (keep today's per-element defaults)": ["softmax", "max_pool", "average_pool2d", "mean", "pad", "concatenation", "mul"]},
          open("proposed_latency.json", "w"), indent=1)
nets = json.load(open("layers.json"))
train = set(m["train"])
order = lambda n: (n["board"] != "virtual-m7", n["net"] in train, not n["net"].startswith(("mcunet", "mbv2", "proxy", "person", "fmnist")), n["net"])
print("%-22s %-10s %-5s %12s %7s %7s" % ("network", "board", "set", "measured", "today", "new"))
worst = 0
for n in sorted(nets, key=order):
    new = sum(fit.predict(model, l) for l in n["layers"])
    held = not (n["net"] in train and n["board"] == m["board"])
    if held: worst = max(worst, abs(new / n["total"] - 1))
    print("%-22s %-10s %-5s %12d %7.3f %7.3f" % (n["net"], n["board"][8:], "held" if held else "train", n["total"], n["est_today"] / n["total"], new / n["total"]))
print("worst held-out |new/measured - 1| = %.3f" % worst)
