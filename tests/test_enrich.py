"""The enrichment path: the stance component scores batches beside the stages before it, in input order."""

import numpy as np

from corpus.schema import Statement
from pipeline.config import load_config
from pipeline.enrich import Enricher
from tests.conftest import TARGETS, TINY


def test_overlapped_stance_batches_match_the_model_in_input_order(tiny_config):
    config = load_config(tiny_config)
    config.claims.enabled = False
    config.targets.file = None
    config.nlp.batch_size = 3  # many small batches, so scoring one overlaps preparing the next
    enricher = Enricher(config)
    statements = [Statement(id=f"s{i}", text=f"{text} ({i})", source_type="tweet") for i, (_, text, *_) in enumerate(TINY * 2)]
    records = [record for _, record in enricher.enrich(statements)]
    assert [r.id for r in records] == [s.id for s in statements]
    expected = enricher.model.predict_proba_grouped([s.text for s in statements], [TARGETS] * len(statements))
    for record, probabilities in zip(records, expected):
        assert [s.target for s in record.stances] == TARGETS
        got = np.array([[s.probs[label] for label in enricher.model.labels] for s in record.stances])
        np.testing.assert_allclose(got, probabilities, atol=1e-4)  # records round probabilities to 4 places
