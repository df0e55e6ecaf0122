"""PyTorch's count of AlexNet as trained on two GPUs (Krizhevsky et al. 2012, Figure 2;
Caffe's bvlc_alexnet: conv2, conv4 and conv5 in two groups), on a 3×227×227 input: the
source of the AlexNet totals expected in tests/test_conventions.py.

Produced with torch 2.13.0 (CPU); run it with `python tests/reference/alexnet_macs.py`.
torch.utils.flop_counter counts conv and linear layers only, a multiply-accumulate as
two FLOPs; it printed:

    params 60965224
    macs 724406816
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def alexnet() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4),
        nn.ReLU(),
        nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2),
        nn.MaxPool2d(3, stride=2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2),
        nn.ReLU(),
        nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2),
        nn.MaxPool2d(3, stride=2),
        nn.Conv2d(256, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2),
        nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2),
        nn.ReLU(),
        nn.MaxPool2d(3, stride=2),
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096),
        nn.ReLU(),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Linear(4096, 1000),
    )


def main() -> None:
    print(f"torch {torch.__version__}")
    model = alexnet().eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 227, 227))
    print(f"params {sum(p.numel() for p in model.parameters())}")
    print(f"macs {counter.get_total_flops() // 2}")


if __name__ == "__main__":
    main()
