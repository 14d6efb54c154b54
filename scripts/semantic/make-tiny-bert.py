#!/usr/bin/env python3
"""Builds test/fixtures/tiny-bert/tollgate/tiny-bert: a BERT-architecture ONNX model (word + token-type
embeddings, LayerNorm, one dense layer) with a WordPiece tokenizer, in transformers.js's folder layout.
It makes the @xenova/transformers embedder path testable offline; its vectors are a bag of words, not a
language model. Needs Debian's python3-onnx and python3-numpy; the generated files are committed, so CI
does not need Python.   /usr/bin/python3 scripts/semantic/make-tiny-bert.py"""
import json, os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'tiny-bert', 'tollgate', 'tiny-bert')
HIDDEN = 32
SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
WORDS = ('the a an of to in on at for by with from and or but is are was were be do does did has have had it this that '
         'i my me you your we our they how what why when where who which can could should would will not no never '
         'reset change cancel update delete create download upload find get make send pay buy book order return '
         'password email address account subscription invoice invoices plan card payment refund order shipping '
         'flight flights train hotel ticket paris london berlin tokyo price cost time day week month year '
         'safe eat raw chicken fish water capital city country weather today tomorrow help please thanks').split()
LETTERS = [chr(c) for c in range(ord('a'), ord('z') + 1)] + [str(d) for d in range(10)]
vocab = SPECIAL + sorted(set(WORDS)) + LETTERS + ['##' + l for l in LETTERS] + list('.,?!\'-')
ids = {t: i for i, t in enumerate(vocab)}

rng = np.random.default_rng(20261203)
word_emb = rng.normal(0, 1, (len(vocab), HIDDEN)).astype(np.float32)
word_emb[0] = 0
type_emb = rng.normal(0, 0.02, (2, HIDDEN)).astype(np.float32)
gamma = np.ones(HIDDEN, np.float32)
beta = np.zeros(HIDDEN, np.float32)
dense_w = (np.eye(HIDDEN) + rng.normal(0, 0.05, (HIDDEN, HIDDEN))).astype(np.float32)
dense_b = np.zeros(HIDDEN, np.float32)

inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ['batch', 'sequence']) for n in ('input_ids', 'attention_mask', 'token_type_ids')]
output = helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch', 'sequence', HIDDEN])
inits = [numpy_helper.from_array(a, n) for a, n in [(word_emb, 'word_embeddings'), (type_emb, 'token_type_embeddings'),
         (gamma, 'ln_gamma'), (beta, 'ln_beta'), (dense_w, 'dense_w'), (dense_b, 'dense_b')]]
nodes = [
    helper.make_node('Gather', ['word_embeddings', 'input_ids'], ['words']),
    helper.make_node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types']),
    helper.make_node('Add', ['words', 'types'], ['embedded']),
    helper.make_node('LayerNormalization', ['embedded', 'ln_gamma', 'ln_beta'], ['normed'], axis=-1, epsilon=1e-12),
    helper.make_node('MatMul', ['normed', 'dense_w'], ['projected']),
    helper.make_node('Add', ['projected', 'dense_b'], ['biased']),
    helper.make_node('Tanh', ['biased'], ['last_hidden_state']),
]
# attention_mask is an input like BERT's, used by the pipeline's mean pooling; the graph itself ignores it
graph = helper.make_graph(nodes, 'tiny-bert', inputs, [output], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='tollgate-make-tiny-bert')
model.ir_version = 8
onnx.checker.check_model(model)

os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
# transformers.js asks for model_quantized.onnx when quantized (its default); these weights are float32
onnx.save(model, os.path.join(OUT, 'onnx', 'model_quantized.onnx'))
special = lambda t: {'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
tokenizer = {
    'version': '1.0', 'truncation': None, 'padding': None,
    'added_tokens': [special(t) for t in SPECIAL],
    'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
    'pre_tokenizer': {'type': 'BertPreTokenizer'},
    'post_processor': {
        'type': 'TemplateProcessing',
        'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
        'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                 {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
        'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
    },
    'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
    'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': ids},
}
with open(os.path.join(OUT, 'tokenizer.json'), 'w') as f: json.dump(tokenizer, f, indent=1)
with open(os.path.join(OUT, 'tokenizer_config.json'), 'w') as f:
    json.dump({'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': 512, 'cls_token': '[CLS]', 'sep_token': '[SEP]',
               'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]'}, f, indent=1)
with open(os.path.join(OUT, 'config.json'), 'w') as f:
    json.dump({'model_type': 'bert', 'architectures': ['BertModel'], 'hidden_size': HIDDEN, 'num_hidden_layers': 0,
               'num_attention_heads': 1, 'intermediate_size': HIDDEN, 'vocab_size': len(vocab), 'max_position_embeddings': 512,
               'type_vocab_size': 2, 'pad_token_id': 0}, f, indent=1)
print('wrote', os.path.normpath(OUT), len(vocab), 'tokens')
