"""Small networks that vary the stem (input channels, kernel, stride, width) for the conv2d / conv2d_c1 terms."""
import json, random
rng = random.Random(11)
for i in range(12):
    cin = [1, 1, 1, 1, 1, 1, 3, 3, 3, 4, 2, 1][i]
    R = rng.choice([32, 48, 64, 80, 96, 128])
    a = {"format": "mcunet-architecture", "schema_version": 1, "name": f"stem{i:02d}", "resolution": R,
         "width_multiplier": rng.choice([0.25, 0.35, 0.5, 0.75]), "input_channels": cin, "num_classes": 10,
         "stem": {"channels": rng.choice([16, 24, 32, 48]), "kernel": [3, 5, 7][i % 3], "stride": rng.choice([1, 2]) if R <= 64 else 2},
         "first_block": {"channels": 16, "kernel": rng.choice([3, 5, 7])},
         "stages": [{"channels": 24, "stride": 2, "blocks": [{"kernel": rng.choice([3, 5, 7]), "expand": rng.choice([3, 6])}]},
                    {"channels": 40, "stride": 2, "blocks": [{"kernel": rng.choice([3, 5, 7]), "expand": rng.choice([3, 6])}]},
                    {"channels": 80, "stride": 2, "blocks": [{"kernel": 3, "expand": 4}]}],
         "feature_mix": None}
    json.dump(a, open(f"arch/stem{i:02d}.json", "w"), indent=1)
    print(a["name"], R, cin, a["stem"])
