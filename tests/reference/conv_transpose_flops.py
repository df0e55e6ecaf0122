"""PyTorch's count of transposed convolutions, the source of the expectations in
tests/test_invariants.py (test_conv_transpose_figures_equal_torchs).

Produced with torch 2.13.0 (CPU); run it with `python tests/reference/conv_transpose_flops.py`.
It prints, for each case, the output shape (without the batch), the number of parameters
and torch.utils.flop_counter's FLOPs divided by 2 (it counts a multiply-accumulate as
two FLOPs):

    (16, 8, 3, 2, 1, 1) on 16x16: output (8, 32, 32), params 1160, macs 294912
    (512, 256, 4, 2, 1, 0) on 7x7: output (256, 14, 14), params 2097408, macs 102760448
    (1, 1, 3, 1, 0, 0) on 4x4: output (1, 6, 6), params 10, macs 144
"""

from __future__ import annotations

import torch
from torch.utils.flop_counter import FlopCounterMode

# (in_channels, out_channels, kernel, stride, padding, output_padding), input size
CASES = [
    ((16, 8, 3, 2, 1, 1), 16),
    ((512, 256, 4, 2, 1, 0), 7),
    ((1, 1, 3, 1, 0, 0), 4),
]


def main() -> None:
    print(f"torch {torch.__version__}")
    for settings, size in CASES:
        cin, cout, kernel, stride, padding, extra = settings
        layer = torch.nn.ConvTranspose2d(cin, cout, kernel, stride, padding, extra)
        with FlopCounterMode(display=False) as counter:
            output = layer(torch.zeros(1, cin, size, size))
        params = sum(p.numel() for p in layer.parameters())
        print(
            f"{settings} on {size}x{size}: output {tuple(output.shape[1:])}, "
            f"params {params}, macs {counter.get_total_flops() // 2}"
        )


if __name__ == "__main__":
    main()
