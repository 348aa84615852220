"""Fits a per-op-kind linear latency model (instructions per layer) to the
profiled layers in layers.json (parse.py) by weighted least squares (normal
equations, pure Python) and reports estimate/measured per network.

usage: python3 fit.py [--board virtual-m7] [--weight rel|sqrt|abs] [--train all]
"""
import json, sys, math, argparse
from c1sim import c1_counts, span_cost

def ceil4(n): return (n + 3) & ~3

def border_pixels(ih, iw, oh, ow, k, s, pt, pl):
    # outputs whose window is not wholly inside the input (mcu_fast_conv2d's y0,y1,x0,x1)
    y0 = (pt + s - 1) // s; y1 = (ih - k + pt) // s + 1 if ih - k + pt >= 0 else 0
    x0 = (pl + s - 1) // s; x1 = (iw - k + pl) // s + 1 if iw - k + pl >= 0 else 0
    inner = max(0, min(y1, oh) - y0) * max(0, min(x1, ow) - x0)
    return oh * ow - inner

def same_pads(ih, oh, k, s):
    total = max((oh - 1) * s + k - ih, 0)
    return total // 2

def family(l):
    op = l["op"]
    if op == "pointwise_conv2d": return "pointwise_conv2d"
    if op == "depthwise_conv2d": return "depthwise_conv2d"
    if op == "conv2d": return "conv2d_c1" if l["ic"] == 1 else "conv2d"
    return op

# Features computable from the graph alone (shapes, kernel, stride, SAME padding).
def clipped_taps(ih, iw, oh, ow, k, s, pt, pl, border_only=True):
    """Taps inside the input summed over the border outputs (those whose window is clipped)."""
    y0 = (pt + s - 1) // s; y1 = (ih - k + pt) // s + 1 if ih - k + pt >= 0 else 0
    x0 = (pl + s - 1) // s; x1 = (iw - k + pl) // s + 1 if iw - k + pl >= 0 else 0
    rows = [min(ih, oy * s - pt + k) - max(0, oy * s - pt) for oy in range(oh)]
    cols = [min(iw, ox * s - pl + k) - max(0, ox * s - pl) for ox in range(ow)]
    total = sum(rows) * sum(cols)
    inner = sum(rows[max(0, y0):max(0, min(y1, oh))]) * sum(cols[max(0, x0):max(0, min(x1, ow))])
    return total - inner

def features(l):
    f = family(l)
    ih, iw, ic, oh, ow, oc, k, s = l["ih"], l["iw"], l["ic"], l["oh"], l["ow"], l["oc"], l["k"], l["s"]
    P, out, inp = oh * ow, oh * ow * oc, ih * iw * ic
    pt, pl = same_pads(ih, oh, k, s), same_pads(iw, ow, k, s)
    if f == "pointwise_conv2d":
        dbl = 1 if 3 * oc > 2 * ic else 0
        p3 = 3 * (P // 3)
        tail = 2 if P % 3 else 0          # the last 1 or 2 pixels go through the pair kernel (a lone pixel twice)
        hi = 1 if ic > 128 else 0         # dot3x2 fully unrolled only up to 128 inputs
        return {"mac3": p3 * ic * oc, "mac3_cin_gt128": p3 * ic * oc * hi, "mac_pair_tail": tail * ic * oc,
                "out": out, "in": inp, "in_doubled": inp * dbl, "layer": 1}
    if f == "depthwise_conv2d":
        # per channel: a padded plane copy, weights packed (k rows), then outputs two at a time
        # (mcu_fast_dw_two, cost by kernel and stride) and an odd last column one at a time (mcu_fast_dw_one)
        bh, bw = (oh - 1) * s + k, (ow - 1) * s + k
        pairs, odd = 2 * (ow // 2) * oh * oc, (ow % 2) * oh * oc
        d = {"pair_out_k%ds%d" % (kk, ss): (pairs if (k, s) == (kk, ss) else 0) for kk in (3, 5, 7) for ss in (1, 2)}
        d.update({"odd_out_k%d" % kk: (odd if k == kk else 0) for kk in (3, 5, 7)})
        d.update({"plane": bh * bw * oc, "plane_row": bh * oc, "row": oh * oc, "channel_k": oc * k, "layer": 1})
        return d
    if f == "conv2d":
        # im2col of two pixels (k*k*cin taps each), then the 2x2 GEMM over rows padded to a multiple of 4
        np_ = ceil4(k * k * ic)
        return {"mac_padded": P * np_ * oc, "tap": P * k * k * ic, "out": out, "pixel": P, "layer": 1}
    if f == "conv2d_c1":
        # per output channel: pairs read straight from the input (mcu_fast_dw_two, by kernel and stride),
        # odd inside outputs one at a time, border outputs through the out-of-line
        # mcu_fast_conv2d_c1_span (its cost taken from the disassembly, see c1sim.py)
        c = c1_counts(ih, iw, oh, ow, k, s, pt, pl)
        d = {"pair_k%ds%d" % (kk, ss): (oc * c["pairs"] if (k, s) == (kk, ss) else 0) for kk in (3, 5, 7) for ss in (1, 2)}
        d.update({"single_k": oc * c["singles"] * k, "span_cost": oc * span_cost(c, k), "row": oc * oh, "layer": 1})
        return d
    if f == "add":
        return {"out": out, "layer": 1}
    if f == "average_pool":
        return {"in": inp, "channel": oc, "layer": 1}
    if f == "fully_connected":
        return {"mac": l["macs"], "out": oc, "layer": 1}
    return {"in": inp, "layer": 1}

def features_simple(l):
    """A simpler alternative: per kind, a*MACs + b*out + c*in + d (depthwise and conv per kernel size)."""
    f = family(l)
    ih, iw, ic, oh, ow, oc, k, s = l["ih"], l["iw"], l["ic"], l["oh"], l["ow"], l["oc"], l["k"], l["s"]
    out, inp = oh * ow * oc, ih * iw * ic
    if f == "depthwise_conv2d":
        d = {"out_k%d" % kk: (out if k == kk else 0) for kk in (3, 5, 7)}
        d.update({"in": inp, "channel": oc, "layer": 1})
        return d
    if f in ("conv2d", "conv2d_c1"):
        return {"mac": l["macs"], "out": out, "in": inp, "layer": 1}
    if f in ("pointwise_conv2d", "fully_connected"):
        return {"mac": l["macs"], "out": out, "in": inp, "layer": 1}
    if f == "add": return {"out": out, "layer": 1}
    return {"in": inp, "layer": 1}

def solve(rows, ys, ws, names, ridge=1e-9):
    n = len(names)
    # column scaling for conditioning
    scale = [max(1e-12, math.sqrt(sum((r[j] ** 2) * w for r, w in zip(rows, ws)))) for j in range(n)]
    A = [[0.0] * n for _ in range(n)]; b = [0.0] * n
    for r, y, w in zip(rows, ys, ws):
        x = [r[j] / scale[j] for j in range(n)]
        for i in range(n):
            if x[i] == 0: continue
            b[i] += w * x[i] * y
            for j in range(n): A[i][j] += w * x[i] * x[j]
    for i in range(n): A[i][i] += ridge
    # Gaussian elimination with partial pivoting
    M = [A[i][:] + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(M[r][c]))
        M[c], M[p] = M[p], M[c]
        if abs(M[c][c]) < 1e-15: continue
        for r in range(n):
            if r != c and M[r][c] != 0:
                f = M[r][c] / M[c][c]
                for j in range(c, n + 1): M[r][j] -= f * M[c][j]
    return [(M[i][n] / M[i][i] if abs(M[i][i]) > 1e-15 else 0.0) / scale[i] for i in range(n)]

def fit(layers, weight="sqrt", nonneg=True):
    model = {}
    fams = sorted({family(l) for l in layers})
    for fam in fams:
        L = [l for l in layers if family(l) == fam]
        names = list(features(L[0]).keys())
        active = names[:]
        while True:
            rows = [[features(l)[n] for n in active] for l in L]
            ys = [l["count"] for l in L]
            ws = [1.0 / max(y, 1) ** 2 if weight == "rel" else 1.0 / max(y, 1) if weight == "sqrt" else 1.0 for y in ys]
            coef = solve(rows, ys, ws, active)
            neg = [n for n, c in zip(active, coef) if c < 0]
            if not nonneg or not neg: break
            worst = min(neg, key=lambda n: coef[active.index(n)])
            active.remove(worst)  # drop the most negative term, refit
        model[fam] = dict(zip(active, coef))
    return model

def predict(model, l):
    fam = family(l)
    if fam not in model: return l["est_today"]
    fv = features(l)
    return sum(c * fv[n] for n, c in model[fam].items())

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--board", default="virtual-m7")
    ap.add_argument("--weight", default="rel")
    ap.add_argument("--train", default=",".join(["rand%02d" % i for i in range(16)] + ["stem%02d" % i for i in range(9)] + ["c1s1a", "c1s1b", "c1s1c"]))
    ap.add_argument("--out", default="model_fit.json")
    ap.add_argument("--layers", action="store_true")
    ap.add_argument("--simple", action="store_true", help="the simpler feature set (features_simple)")
    a = ap.parse_args()
    if a.simple:
        features = features_simple
    nets = json.load(open("layers.json"))
    train = set(a.train.split(",")) if a.train != "all" else {n["net"] for n in nets if n["board"] == a.board}
    tl = [l for n in nets if n["board"] == a.board and n["net"] in train for l in n["layers"]]
    model = fit(tl, a.weight)
    json.dump({"board": a.board, "weight": a.weight, "train": sorted(train), "model": model}, open(a.out, "w"), indent=1)
    for fam, m in model.items():
        print("%-18s " % fam + "  ".join("%s=%.4g" % kv for kv in m.items()))
    print()
    print("%-22s %-11s %6s %12s %8s %8s" % ("network", "board", "set", "measured", "today", "fitted"))
    worst = 0
    for n in nets:
        tot = sum(predict(model, l) for l in n["layers"])
        tag = "train" if (n["net"] in train and n["board"] == a.board) else "HELD"
        if tag == "HELD": worst = max(worst, abs(tot / n["total"] - 1))
        print("%-22s %-11s %6s %12d %8.3f %8.3f" % (n["net"], n["board"], tag, n["total"], n["est_today"] / n["total"], tot / n["total"]))
    print("worst held-out |fitted/measured - 1| = %.3f" % worst)
    # per-family error
    print()
    for fam in model:
        L = [(l, n) for n in nets for l in n["layers"] if family(l) == fam and not (n["net"] in train and n["board"] == a.board)]
        if not L: continue
        m = sum(l["count"] for l, _ in L); p = sum(predict(model, l) for l, _ in L); t = sum(l["est_today"] for l, _ in L)
        e = sorted(abs(predict(model, l) / l["count"] - 1) for l, _ in L)
        print("held-out %-18s n=%4d  sum today/meas %.3f  fitted/meas %.3f  per-layer |err| median %.3f p90 %.3f max %.3f" %
              (fam, len(L), t / m, p / m, e[len(e) // 2], e[int(len(e) * 0.9)], e[-1]))
    if a.layers:
        for n in nets:
            for l in n["layers"]:
                p = predict(model, l)
                if abs(p / l["count"] - 1) > 0.15 and l["count"] > 20000:
                    print(n["net"], l["index"], l["name"], l["variant"], l["ih"], l["iw"], l["ic"], "->", l["oh"], l["ow"], l["oc"], "k", l["k"], "s", l["s"], l["count"], round(p / l["count"], 3))
