"""What cnncalc calls the layers a PyTorch or Keras user names first.

Used only to word error messages: `type: Linear` is told `type: dense`, `type: ReLU`
is told `type: activation, fn: relu`, `sharing:` on a dense layer is told that dense
layers share nothing.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

# Lower-case, without "_": the names of torch.nn modules and Keras layers.
TYPES = {
    "dense": "dense",
    "flatten": "flatten",
    "dropout": "dropout",
    "conv": "conv",
    "linear": "dense",
    "fc": "dense",
    "fullyconnected": "dense",
    "innerproduct": "dense",
    "conv2d": "conv",
    "convolution2d": "conv",
    "convtranspose2d": "conv_transpose",
    "conv2dtranspose": "conv_transpose",
    "maxpool2d": "pool, mode: max",
    "maxpool": "pool, mode: max",
    "maxpooling2d": "pool, mode: max",
    "avgpool2d": "pool, mode: avg",
    "avgpool": "pool, mode: avg",
    "averagepooling2d": "pool, mode: avg",
    "globalaveragepooling2d": "global_pool, mode: avg",
    "globalmaxpooling2d": "global_pool, mode: max",
    "adaptiveavgpool2d": "adaptive_pool, mode: avg",
    "adaptivemaxpool2d": "adaptive_pool, mode: max",
    "batchnorm2d": "batchnorm",
    "batchnormalization": "batchnorm",
    "localresponsenorm": "lrn",
    "zeropadding2d": "pad",
    "zeropad2d": "pad",
    "upsampling2d": "upsample",
    "dropout2d": "dropout",
    "concatenate": "concat",
    "cat": "concat",
}
# Activation functions used as a type: `type: activation, fn: NAME`.
ACTIVATIONS = {
    "relu": "relu",
    "relu6": "relu6",
    "leakyrelu": "leaky_relu",
    "elu": "elu",
    "selu": "selu",
    "gelu": "gelu",
    "silu": "silu",
    "swish": "swish",
    "mish": "mish",
    "hardswish": "hardswish",
    "hardsigmoid": "hardsigmoid",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softmax": "softmax",
    "logsoftmax": "log_softmax",
    "softplus": "softplus",
    "softsign": "softsign",
}


def type_hint(name: str) -> str:
    """' (in cnncalc: type: dense)' for a name another framework uses, else ''."""
    key = name.lower().replace("_", "").replace("-", "")
    if key in TYPES:
        return f" (in cnncalc: type: {TYPES[key]})"
    if key in ACTIVATIONS:
        return f" (in cnncalc: type: activation, fn: {ACTIVATIONS[key]})"
    return ""


def field_hint(key: str, known: AbstractSet[str]) -> str:
    """A word on a field that is meaningless for this kind of layer, else ''."""
    if key == "sharing":
        if "units" in known:
            return " (dense layers share nothing: every weight serves one connection)"
        return " (only conv layers share weights, and `sharing: false` turns it off)"
    return ""
