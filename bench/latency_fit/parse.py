"""Reads raw/BOARD/TAG/{profile.json,model.c,plan.json} into per-layer records (layers.json)."""
import json, os, re, glob

CALL = re.compile(r"static MCUNET_LAYER void \w+_layer(\d+)\(void\) \{\n\s*(mcu_\w+)\((.*)\);\n\}")
COMMENT = re.compile(r"/\* (\d+) (.*): (\w+) (\d+)x(\d+)x(\d+) -> (\d+)x(\d+)x(\d+)(, in place)? \*/")

def args_of(s):
    return [a.strip() for a in s.split(",")]

def parse_dir(d):
    prof = json.load(open(os.path.join(d, "profile.json")))
    src = open(os.path.join(d, "model.c")).read()
    plan = json.load(open(os.path.join(d, "plan.json")))
    calls = {int(m.group(1)): (m.group(2), args_of(m.group(3))) for m in CALL.finditer(src)}
    shapes = {}
    for m in COMMENT.finditer(src):
        i = int(m.group(1))
        shapes[i] = dict(ih=int(m.group(4)), iw=int(m.group(5)), ic=int(m.group(6)),
                         oh=int(m.group(7)), ow=int(m.group(8)), oc=int(m.group(9)), inplace=bool(m.group(10)))
    layers = []
    for i, (lp, pl) in enumerate(zip(prof["layers"], plan["layers"])):
        s = shapes[i]
        fn, a = calls.get(i, (None, []))
        r = dict(index=i, name=lp["name"], op=lp["op"], macs=lp["macs"], count=lp["instructions"],
                 est_today=lp["estimated_instructions"], variant=pl.get("kernel_variant", fn), fn=fn, **s,
                 k=1, s=1, pt=0, pl=0)
        if fn == "mcu_fast_depthwise":
            r.update(k=int(a[7]), s=int(a[8]), pt=int(a[9]), pl=int(a[10]))
        elif fn == "mcu_fast_conv2d":
            r.update(k=int(a[8]), s=int(a[9]), pt=int(a[10]), pl=int(a[11]))
        elif fn == "mcu_fast_conv2d_c1":
            r.update(k=int(a[7]), s=int(a[8]), pt=int(a[9]), pl=int(a[10]))
        elif fn == "mcu_fast_pointwise3" or fn == "mcu_fast_pointwise":
            r.update(backward=int(a[10]), dbl=int(a[11]))
        elif r["op"] in ("conv2d", "depthwise_conv2d"):
            # general kernels: infer k from MACs; stride from shapes
            per = r["macs"] / (r["oh"] * r["ow"] * r["oc"] * (r["ic"] if r["op"] == "conv2d" else 1))
            r["k"] = round(per ** 0.5)
            r["s"] = 2 if r["oh"] < r["ih"] else 1
        layers.append(r)
    return dict(board=prof["board"], net=os.path.basename(d), total=prof["instructions"],
                est_today=prof["profile"]["estimated_instructions"], layers=layers)

if __name__ == "__main__":
    nets = []
    for d in sorted(glob.glob("raw/*/*")):
        if os.path.exists(os.path.join(d, "model.c")):
            try:
                nets.append(parse_dir(d))
            except Exception as e:
                print("skip", d, e)
    json.dump(nets, open("layers.json", "w"), indent=0)
    print(len(nets), "networks,", sum(len(n["layers"]) for n in nets), "layers")
