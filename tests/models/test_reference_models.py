"""Reference architectures: the parameter counts of torchvision / timm / Hugging Face, seeded
random weights, BN statistics that fold, and (where transformers is installed) the same layer
shapes as Hugging Face's modules, and the Llama block's values equal to HF's."""

import pytest
import torch

from fpxint_sim.expand.fold_bn import fold_batchnorm
from fpxint_sim.models.reference import REFERENCE_MODELS, reference_module
from fpxint_sim.models.reference.random_init import parameter_count

# The counts of the models these mirror, as their libraries report them.
EXPECTED_PARAMETERS = {
    "resnet18": 11_689_512,  # torchvision.models.resnet18()
    "resnet50": 25_557_032,  # torchvision.models.resnet50()
    "mobilenet_v2": 3_504_872,  # torchvision.models.mobilenet_v2()
    "vit_ti_16": 5_717_416,  # timm vit_tiny_patch16_224
    "bert_base": 109_482_240,  # transformers BertModel(BertConfig()), pooler included
    "llama_block": 786_944,  # transformers LlamaDecoderLayer at this block's config
}
SMALL_INPUTS = {"resnet18": (1, 3, 32, 32), "resnet50": (1, 3, 32, 32),
                "mobilenet_v2": (1, 3, 32, 32), "vit_ti_16": (1, 3, 224, 224)}


@pytest.mark.parametrize("name", REFERENCE_MODELS)
def test_parameter_count_matches_the_reference_library(name):
    ref = reference_module(name)
    assert parameter_count(ref.build()) == EXPECTED_PARAMETERS[name] == ref.PARAMETERS


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "vit_ti_16", "llama_block"])
def test_weights_are_seeded_and_leave_the_global_rng_alone(name):
    ref = reference_module(name)
    state = torch.random.get_rng_state()
    a, b, c = ref.build(0).state_dict(), ref.build(0).state_dict(), ref.build(1).state_dict()
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert any(not torch.equal(a[k], c[k]) for k in a if a[k].is_floating_point())


@pytest.mark.parametrize("name", ["resnet18", "resnet50", "mobilenet_v2"])
def test_batchnorm_statistics_are_non_trivial_and_fold(name):
    model = reference_module(name).build()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in bns:
        assert bn.running_mean.abs().max() > 0 and not torch.allclose(
            bn.running_var, torch.ones_like(bn.running_var))
    assert fold_batchnorm(model) == len(bns)


@pytest.mark.parametrize("name", list(SMALL_INPUTS))
def test_image_models_give_logits(name):
    model = reference_module(name).build()
    x = torch.randn(SMALL_INPUTS[name], generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        y = model(x)
    assert y.shape == (1, 1000) and torch.isfinite(y).all()


def test_vit_refuses_another_image_size_by_name():
    model = reference_module("vit_ti_16").build()
    with pytest.raises(ValueError, match="224x224"):
        model(torch.zeros(1, 3, 32, 32))


def _hf_bert_name(name: str) -> str:
    return (name.replace("encoder.layer.", "layers.").replace("attention.self.", "")
            .replace("attention.output.dense", "attention_output")
            .replace("attention.output.LayerNorm", "attention_norm")
            .replace("intermediate.dense", "intermediate").replace("output.dense", "output")
            .replace("output.LayerNorm", "output_norm").replace("pooler.dense", "pooler"))


def test_bert_has_every_hugging_face_bert_parameter_with_its_shape():
    transformers = pytest.importorskip("transformers")
    hf = transformers.BertModel(transformers.BertConfig())
    ours = dict(reference_module("bert_base").build().named_parameters())
    theirs = {_hf_bert_name(k): tuple(v.shape) for k, v in hf.named_parameters()}
    assert theirs == {k: tuple(v.shape) for k, v in ours.items()}


def test_llama_block_equals_hugging_face_decoder_layer_bit_for_bit():
    pytest.importorskip("transformers")
    from transformers import LlamaConfig
    from transformers.models.llama.modeling_llama import LlamaDecoderLayer, LlamaRotaryEmbedding

    L = reference_module("llama_block")
    cfg = LlamaConfig(hidden_size=L.D_MODEL, num_attention_heads=L.HEADS,
                      num_key_value_heads=L.KV_HEADS, intermediate_size=L.FFN,
                      rms_norm_eps=L.EPS, rope_theta=L.THETA, attn_implementation="eager")
    hf = LlamaDecoderLayer(cfg, layer_idx=0).eval()
    ours = L.build()
    mine = ours.state_dict()
    hf.load_state_dict({k: mine[k.replace("self_attn.", "").replace("mlp.", "")]
                        for k in hf.state_dict()})
    x = L.example_inputs(torch.Generator().manual_seed(0))[0]
    pos = torch.arange(x.shape[1])[None]
    mask = torch.full((x.shape[1],) * 2, float("-inf")).triu(1)[None, None]
    with torch.no_grad():
        want = hf(x, attention_mask=mask, position_embeddings=LlamaRotaryEmbedding(cfg)(x, pos),
                  position_ids=pos)
        got = ours(x)
    want = want[0] if isinstance(want, tuple) else want
    assert torch.equal(got, want)
