"""torchvision's own models of the bundled torchvision-family networks, for the tests.

torchvision 0.28.0 is the release for torch 2.13.0. Its wheel is a CUDA build whose C
extension does not load beside the CPU torch; its model builders are pure Python, so an
empty module registered as `torchvision._meta_registrations` lets them import (the
extension is never needed: nothing here runs a torchvision operator).
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from cnncalc.reading import catalog

# bundled name: (torchvision builder, its options, the input of one sample)
NETWORKS: dict[str, tuple[str, dict[str, Any], tuple[int, ...]]] = {
    "alexnet_torchvision": ("alexnet", {}, (3, 224, 224)),
    "vgg16": ("vgg16", {}, (3, 224, 224)),
    "vgg19": ("vgg19", {}, (3, 224, 224)),
    "resnet18": ("resnet18", {}, (3, 224, 224)),
    "resnet34": ("resnet34", {}, (3, 224, 224)),
    "resnet50": ("resnet50", {}, (3, 224, 224)),
    "mobilenet_v2": ("mobilenet_v2", {}, (3, 224, 224)),
    # The published GoogLeNet (6,624,904 params) is the model without its two auxiliary
    # classifiers, which torchvision keeps only for training.
    "googlenet": ("googlenet", {"aux_logits": False, "init_weights": False}, (3, 224, 224)),
    "squeezenet1_0": ("squeezenet1_0", {}, (3, 224, 224)),
    "densenet121": ("densenet121", {}, (3, 224, 224)),
    "efficientnet_b0": ("efficientnet_b0", {}, (3, 224, 224)),
    "mobilenet_v3_small": ("mobilenet_v3_small", {}, (3, 224, 224)),
    "convnext_tiny": ("convnext_tiny", {}, (3, 224, 224)),
    "shufflenet_v2_x1_0": ("shufflenet_v2_x1_0", {}, (3, 224, 224)),
    # With its auxiliary classifier, which the published 27,161,264 params count.
    "inception_v3": ("inception_v3", {"aux_logits": True, "init_weights": False}, (3, 299, 299)),
    "r3d_18": ("r3d_18", {}, (3, 16, 112, 112)),
}


def import_torchvision() -> Any:
    sys.modules.setdefault(
        "torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations")
    )
    return pytest.importorskip("torchvision")


def build(name: str) -> Any:
    """torchvision's model of the bundled network ``name``, untrained (weights=None)."""
    models = import_torchvision().models
    builder, options, _ = NETWORKS[name]
    return (getattr(models, builder, None) or getattr(models.video, builder))(
        weights=None, **options
    )


def input_shape(name: str) -> tuple[int, ...]:
    return NETWORKS[name][2]


def torchvision_family() -> list[str]:
    """The bundled networks whose description says torchvision builds them."""
    return [
        name
        for name in catalog.names()
        if "torchvision.models" in str(catalog.load(name).description or "")
    ]
