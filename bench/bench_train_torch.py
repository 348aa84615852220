#!/usr/bin/python3
"""The baseline for bench_train: the same supernet and the same sandwich steps
(read from the schedule bench_train writes) in Debian's python3-torch.

    /usr/bin/python3 bench/bench_train_torch.py SCHEDULE.json

Same network (Once-for-All MBConv supernet: 7x7 depthwise weights with
25x25 / 9x9 kernel transforms, first-k channels, first-d blocks), TF Lite SAME
padding, channels-last input, label-smoothed loss, in-place distillation, SGD
with Nesterov momentum and weight decay on conv weights; same batch and threads.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def same_conv(x, w, stride, groups):
    k = w.shape[2]

    def pads(n):
        out = (n + stride - 1) // stride
        total = max((out - 1) * stride + k - n, 0)
        return total // 2, total - total // 2

    (t, b), (l, r) = pads(x.shape[2]), pads(x.shape[3])
    if t == b and l == r:
        return F.conv2d(x, w, None, stride, (t, l), 1, groups)
    return F.conv2d(F.pad(x, (l, r, t, b)), w, None, stride, 0, 1, groups)


class BN(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(c))
        self.bias = torch.nn.Parameter(torch.zeros(c))
        self.register_buffer("running_mean", torch.zeros(c))
        self.register_buffer("running_var", torch.ones(c))

    def forward(self, x):
        c = x.shape[1]
        return F.batch_norm(x, self.running_mean[:c], self.running_var[:c], self.weight[:c], self.bias[:c],
                            self.training, 0.1, 1e-5)


class ConvBN(torch.nn.Module):
    def __init__(self, cin, cout, k, depthwise):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(cout, 1 if depthwise else cin, k, k))
        torch.nn.init.kaiming_normal_(self.weight, mode="fan_out", nonlinearity="relu")
        self.bn = BN(cout)


class Block(torch.nn.Module):
    def __init__(self, cin, cout, stride, max_expand, max_kernel):
        super().__init__()
        hidden = cin * max_expand
        self.cin, self.stride, self.residual = cin, stride, stride == 1 and cin == cout
        self.expand = ConvBN(cin, hidden, 1, False)
        self.dw = ConvBN(hidden, hidden, max_kernel, True)
        self.project = ConvBN(hidden, cout, 1, False)
        self.sizes = list(range(max_kernel, 2, -2))
        self.transforms = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.eye((k - 2) * (k - 2))) for k in self.sizes[:-1]])

    def dw_weight(self, kernel, hidden):
        w = self.dw.weight[:hidden]
        for i, k in enumerate(self.sizes[:-1]):
            if k <= kernel:
                break
            n, s = k - 2, 1
            crop = w[:, :, s:s + n, s:s + n].reshape(hidden, n * n)
            w = F.linear(crop, self.transforms[i]).reshape(hidden, 1, n, n)
        return w

    def forward(self, x, kernel, expand):
        hidden = self.cin * expand
        y = F.hardtanh(self.expand.bn(same_conv(x, self.expand.weight[:hidden], 1, 1)), 0, 6)
        y = F.hardtanh(self.dw.bn(same_conv(y, self.dw_weight(kernel, hidden), self.stride, hidden)), 0, 6)
        y = self.project.bn(same_conv(y, self.project.weight[:, :hidden], 1, 1))
        return y + x if self.residual else y


class Supernet(torch.nn.Module):
    def __init__(self, s):
        super().__init__()
        self.stem = ConvBN(1, s["stem"], 3, False)
        self.first_dw = ConvBN(s["stem"], s["stem"], 3, True)
        self.first_project = ConvBN(s["stem"], s["first"], 1, False)
        self.stages = torch.nn.ModuleList()
        cin = s["first"]
        for i, cout in enumerate(s["stage_channels"]):
            blocks = torch.nn.ModuleList()
            for b in range(len(s["max_depth"][i])):
                blocks.append(Block(cin, cout, s["stage_strides"][i] if b == 0 else 1, s["max_expand"], s["max_kernel"]))
                cin = cout
            self.stages.append(blocks)
        self.classifier = torch.nn.Linear(cin, s["classes"])

    def forward(self, x, subnet):
        y = F.hardtanh(self.stem.bn(same_conv(x, self.stem.weight, 2, 1)), 0, 6)
        y = F.hardtanh(self.first_dw.bn(same_conv(y, self.first_dw.weight, 1, y.shape[1])), 0, 6)
        y = self.first_project.bn(same_conv(y, self.first_project.weight, 1, 1))
        for blocks, stage in zip(self.stages, subnet):
            for block, (kernel, expand) in zip(blocks, stage):
                y = block(y, kernel, expand)
        return self.classifier(y.mean((2, 3)))


def main():
    s = json.load(open(sys.argv[1]))
    torch.set_num_threads(s["threads"])
    torch.manual_seed(1)
    net = Supernet(s)
    net.train()
    decay = [p for n, p in net.named_parameters() if n.endswith(".weight") and ".bn." not in n]
    ids = {id(p) for p in decay}
    no_decay = [p for p in net.parameters() if id(p) not in ids]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 4e-5}, {"params": no_decay, "weight_decay": 0.0}],
                          lr=0.05, momentum=0.9, nesterov=True)
    r, batch = s["resolution"], s["batch"]
    images = torch.floor(torch.rand(batch, r, r, 1) * 255)
    x = images.sub(128).div(128).permute(0, 3, 1, 2)
    labels = torch.randint(0, 10, (batch,))

    def step(subnets):
        opt.zero_grad(set_to_none=True)
        logits = net(x, subnets[0])
        F.cross_entropy(logits, labels, label_smoothing=0.1).backward()
        teacher = torch.softmax(logits.detach(), 1)
        for sub in subnets[1:]:
            (-(teacher * torch.log_softmax(net(x, sub), 1)).sum(1).mean()).backward()
        opt.step()

    steps = s["steps"]
    for sub in steps[:3]:
        step(sub)
    t0 = time.perf_counter()
    for sub in steps[3:]:
        step(sub)
    seconds = time.perf_counter() - t0
    n = len(steps) - 3
    print(json.dumps({"engine": "python3-torch " + torch.__version__, "steps": n, "batch": batch, "threads": s["threads"],
                      "seconds": round(seconds, 3), "images_per_second": round(n * batch / seconds, 1)}))


if __name__ == "__main__":
    main()
