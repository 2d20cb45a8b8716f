"""The recogniser's pointwise convolutions as dynamically quantised matrix products.

Most of the recogniser's time is its pointwise (1x1) convolutions in the MLP blocks. Quantising
them statically (``ocr_models._make_recogniser_convs``) fixes each activation's range from
synthetic lines, and fields found from its words came out slightly worse. Here each such
convolution becomes ``Transpose -> MatMul -> Transpose`` (a 1x1 convolution is a matrix product
over the channels) and ONNX Runtime's dynamic quantiser takes the MatMuls, as it does the model's
own: each call computes the activation's scale from the tensor it gets, with no calibration, and
the weights are quantised per output channel (per tensor read 80 of 120 synthetic lines as the
float model does, per channel 114, the matrix-product-only recogniser 115).

ONNX Runtime's transpose optimiser cancels about half the added transposes (65 -> 32: those
between the two convolutions of an MLP block, through the Gelu); the rest cost about 5 % of the
recogniser's time. Kept in float: the stem (every convolution before the first depthwise one),
the depthwise convolutions, and the squeeze-excite ones on pooled 1x1 tensors (too small to gain).
The file made is cached by ``extraction.ocr_models`` under its ``RECIPE``: bump it when this
changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def pointwise_convs(model: Any) -> list[Any]:
    """The convolutions to turn into matrix products: 1x1, group 1, stride 1, unpadded, after the
    stem, on tensors wider than one pixel."""
    from onnx import numpy_helper

    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    shapes = _input_shapes(model)
    picked, stem = [], True
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        attrs = {a.name: (list(a.ints) if a.ints else a.i) for a in node.attribute}
        kernel, group = weights[node.input[1]], attrs.get("group", 1)
        if group > 1 and group == kernel.shape[0]:  # depthwise: the stem ends at the first
            stem = False
            continue
        plain = (
            group == 1
            and kernel.shape[2:] == (1, 1)
            and all(s == 1 for s in attrs.get("strides", [1, 1]))
            and not any(attrs.get("pads", [0, 0, 0, 0]))
        )
        pooled = shapes.get(node.input[0], [])[2:] == [1, 1]
        if not stem and plain and not pooled:
            picked.append(node)
    return picked


def _input_shapes(model: Any) -> dict[str, list[Any]]:
    """Every tensor's inferred shape (dimension sizes, or names where they vary)."""
    from onnx import shape_inference

    inferred = shape_inference.infer_shapes(model)
    infos = list(inferred.graph.value_info) + list(inferred.graph.input)
    return {
        info.name: [
            d.dim_value if d.HasField("dim_value") else d.dim_param
            for d in info.type.tensor_type.shape.dim
        ]
        for info in infos
    }


def as_matrix_products(model: Any, convs: list[Any]) -> None:
    """Replace each of ``convs`` (in place) by NCHW -> NHWC, a MatMul with its weights as a
    [Cin, Cout] matrix (plus its bias, if any), and back to NCHW."""
    import numpy as np
    from onnx import helper, numpy_helper

    initializers = {i.name: i for i in model.graph.initializer}
    chosen = {id(n) for n in convs}
    nodes = []
    for node in model.graph.node:
        if id(node) not in chosen:
            nodes.append(node)
            continue
        kernel = numpy_helper.to_array(initializers[node.input[1]])
        matrix = f"{node.name}_matrix"
        model.graph.initializer.append(
            numpy_helper.from_array(np.ascontiguousarray(kernel[:, :, 0, 0].T), matrix)
        )
        nhwc, product = f"{node.name}_nhwc", f"{node.name}_product"
        nodes.append(
            helper.make_node("Transpose", [node.input[0]], [nhwc], perm=[0, 2, 3, 1], name=nhwc)
        )
        nodes.append(helper.make_node("MatMul", [nhwc, matrix], [product], name=product))
        if len(node.input) > 2 and node.input[2]:
            biased = f"{node.name}_biased"
            nodes.append(helper.make_node("Add", [product, node.input[2]], [biased], name=biased))
            product = biased
        back = f"{node.name}_nchw"
        nodes.append(
            helper.make_node("Transpose", [product], [node.output[0]], perm=[0, 3, 1, 2], name=back)
        )
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    used = {name for node in model.graph.node for name in node.input}
    kept = [i for i in model.graph.initializer if i.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)


def make_recogniser(source: str, out: Path, tmp: Path) -> None:
    """The recogniser with its pointwise convolutions and its own matrix products quantised
    dynamically (8-bit weights per output channel)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(source)
    as_matrix_products(model, pointwise_convs(model))
    rewritten = tmp / "pointwise-matmul.onnx"
    onnx.save(model, rewritten)
    quantize_dynamic(
        rewritten,
        out,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
        weight_type=QuantType.QInt8,
    )
