"""Random MBConv architectures (docs/architecture-json.md) for the latency study."""
import json, random, sys
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 24
BASE = [(24, 2), (32, 2), (64, 2), (96, 1), (160, 2), (320, 1)]
for i in range(N):
    R = rng.choice([32, 40, 48, 56, 64, 72, 80, 96, 112, 128, 144, 160])
    W = rng.choice([0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7])
    cin = rng.choice([1, 3, 3])
    nst = rng.choice([4, 5, 6])
    stages = []
    for c, s in BASE[:nst]:
        nb = rng.choice([1, 2, 3, 4])
        stages.append({"channels": c, "stride": s,
                       "blocks": [{"kernel": rng.choice([3, 5, 7]), "expand": rng.choice([1, 3, 4, 5, 6, 6])} for _ in range(nb)]})
    a = {"format": "mcunet-architecture", "schema_version": 1, "name": f"rand{i:02d}",
         "resolution": R, "width_multiplier": W, "input_channels": cin,
         "num_classes": rng.choice([2, 10, 100, 1000]),
         "stem": {"channels": rng.choice([16, 32]), "kernel": rng.choice([3, 3, 5, 7]), "stride": 1 if R <= 48 and rng.random() < 0.5 else 2},
         "first_block": {"channels": 16, "kernel": rng.choice([3, 5, 7])},
         "stages": stages,
         "feature_mix": {"channels": rng.choice([256, 448, 640])} if rng.random() < 0.4 else None}
    json.dump(a, open(f"arch/rand{i:02d}.json", "w"), indent=1)
    print(f"rand{i:02d} R{R} W{W} cin{cin} stem k{a['stem']['kernel']} s{a['stem']['stride']} stages {nst}")
