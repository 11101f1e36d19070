"""`keras_gan.text`: vocabularies, encoding and decoding, saving."""

import json

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.text import CharacterVocabulary
from keras_gan.text import WordVocabulary

NAMES = ["SMITH", "JOHNSON", "LI", "O"]


def vocab(**kwargs):
    return CharacterVocabulary.from_texts(NAMES, max_length=7, **kwargs)


def test_tokens_ordered_by_frequency_then_alphabetically():
    v = vocab()
    # O: 3, H: 2, I: 2, N: 2, S: 2, then the single letters J L M T.
    assert v.get_vocabulary() == [
        "[PAD]", "[END]", "O", "H", "I", "N", "S", "J", "L", "M", "T"
    ]
    assert v.size == 11 and (v.pad_id, v.end_id, v.oov_id) == (0, 1, None)


def test_encode_is_one_hot_with_end_token_then_padding():
    v = vocab()
    ids = v.texts_to_ids(["LI", "JOHNSON"])
    np.testing.assert_array_equal(ids[0], [8, 4, 1, 0, 0, 0, 0])
    # A text of exactly max_length tokens has no room for the end token.
    np.testing.assert_array_equal(ids[1], [7, 2, 3, 5, 6, 2, 5])
    one_hot = v.encode(["LI", "JOHNSON"])
    assert one_hot.shape == (2, 7, 11) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.sum(-1), 1.0)
    np.testing.assert_array_equal(one_hot.argmax(-1), ids)


def test_decode_round_trips_and_stops_at_end_or_padding():
    v = vocab()
    assert v.decode(v.encode(NAMES)) == NAMES
    assert v.decode(v.texts_to_ids(NAMES)) == NAMES
    # Tokens after the first end or padding token are dropped.
    assert v.decode(np.array([[8, 4, 1, 9, 9, 0, 0], [0, 8, 4, 1, 0, 0, 0]])) == [
        "LI", ""
    ]


def test_decode_takes_argmax_of_probabilities():
    v = vocab()
    probs = np.full((1, 7, v.size), 0.01, "float32")
    probs[0, 0, v.get_vocabulary().index("L")] = 0.5
    probs[0, 1, v.get_vocabulary().index("I")] = 0.4
    probs[0, 2:, v.end_id] = 0.3
    assert v.decode(probs) == ["LI"]


def test_decode_with_temperature_samples_reproducibly():
    v = vocab()
    probs = np.zeros((4000, 7, v.size))
    probs[:, 0, v.get_vocabulary().index("L")] = 0.7
    probs[:, 0, v.get_vocabulary().index("M")] = 0.3
    probs[:, 1:, v.end_id] = 1.0
    texts = v.decode(probs, temperature=1.0, seed=3)
    assert texts == v.decode(probs, temperature=1.0, seed=3)
    assert set(texts) == {"L", "M"}
    assert abs(texts.count("L") / 4000 - 0.7) < 0.03
    # p ** (1 / 0.5) renormalized: 0.49 / (0.49 + 0.09).
    cold = v.decode(probs, temperature=0.5, seed=3)
    assert abs(cold.count("L") / 4000 - 0.49 / 0.58) < 0.03


def test_unknown_characters_raise_drop_or_map_to_oov():
    with pytest.raises(ValueError, match="Unknown character 'Z' in the text 'ZOE'.*on_unknown"):
        vocab().encode(["ZOE"])
    assert vocab(on_unknown="drop").decode(vocab(on_unknown="drop").encode(["ZOE"])) == ["O"]
    oov = vocab(on_unknown="oov")
    assert oov.oov_id == 2 and oov.size == 12
    assert oov.decode(oov.encode(["ZOE"])) == ["[UNK]O[UNK]"]


def test_too_long_texts_raise_or_truncate():
    with pytest.raises(ValueError, match="has 8 characters, more than max_length=7.*truncate"):
        vocab().encode(["JOHNSONS"])
    truncating = vocab(on_too_long="truncate")
    assert truncating.decode(truncating.encode(["JOHNSONS"])) == ["JOHNSON"]


def test_word_vocabulary_round_trip():
    v = WordVocabulary.from_texts(
        ["the cat sat", "the dog ran"], max_length=4, on_unknown="oov"
    )
    assert v.get_vocabulary()[:4] == ["[PAD]", "[END]", "[UNK]", "the"]
    assert v.decode(v.encode(["the cat ran", "a  dog"])) == [
        "the cat ran", "[UNK] dog"
    ]


def test_from_texts_max_tokens_and_min_count():
    v = CharacterVocabulary.from_texts(NAMES, max_length=7, min_count=2)
    assert v.text_tokens == ["O", "H", "I", "N", "S"]
    v = CharacterVocabulary.from_texts(NAMES, max_length=7, max_tokens=2)
    assert v.text_tokens == ["O", "H"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_length": 0}, "`max_length`.*max_length=0"),
        ({"on_unknown": "ignore"}, "`on_unknown`.*on_unknown='ignore'"),
        ({"on_too_long": "cut"}, "`on_too_long`.*on_too_long='cut'"),
        ({"tokens": ["A", "A"]}, "`tokens`.*duplicates \\['A'\\]"),
        ({"tokens": ["AB"]}, "`tokens`.*invalid tokens \\['AB'\\]"),
        ({"tokens": ["[END]"]}, "`tokens`"),
    ],
)
def test_invalid_arguments_name_the_argument(kwargs, match):
    arguments = {"tokens": ["A", "B"], "max_length": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        CharacterVocabulary(**arguments)


def test_invalid_texts_and_sequences():
    with pytest.raises(ValueError, match="`texts`.*not one string"):
        vocab().encode("SMITH")
    with pytest.raises(ValueError, match="`texts`.*type int"):
        vocab().encode(["SMITH", 3])
    with pytest.raises(ValueError, match="`sequences`.*shape=\\(2, 7, 5\\)"):
        vocab().decode(np.zeros((2, 7, 5)))
    with pytest.raises(ValueError, match="`ids`.*ids from 0 to 11"):
        vocab().decode(np.array([[0, 11]]))
    with pytest.raises(ValueError, match="`temperature`.*temperature=0"):
        vocab().decode(vocab().encode(NAMES), temperature=0)


def test_save_and_load_json(tmp_path):
    v = vocab(on_unknown="oov", on_too_long="truncate")
    path = tmp_path / "vocab.json"
    v.save(path)
    assert json.loads(path.read_text())["class_name"] == "CharacterVocabulary"
    loaded = CharacterVocabulary.load(path)
    assert loaded == v and loaded.get_vocabulary() == v.get_vocabulary()
    with pytest.raises(ValueError, match="holds a CharacterVocabulary, not a WordVocabulary"):
        WordVocabulary.load(path)


def test_vocabulary_layer_passes_through_and_serializes():
    v = vocab()
    layer = keras_gan.text.VocabularyLayer(v)
    x = np.random.default_rng(0).random((2, 7, v.size)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x)
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert restored.vocabulary == v
    with pytest.raises(ValueError, match="`vocabulary`"):
        keras_gan.text.VocabularyLayer(["A"])


def test_vocabulary_of_a_model_without_one_says_how_to_attach_it():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="carries no vocabulary.*vocabulary=vocab"):
        keras_gan.text.vocabulary_of(model)
