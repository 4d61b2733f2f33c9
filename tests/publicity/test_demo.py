import io

import pytest

from publicity import demo
from publicity.models import Piece

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_dozen_pieces_across_levels_once(cast):
    demo.seed(io.StringIO())
    assert Piece.objects.count() == len(demo.PIECES) == 12
    assert set(Piece.objects.values_list("level", flat=True)) == {"national", "provincial", "city", "district"}
    assert Piece.objects.filter(adopted=True, deputy__isnull=False).exists()
    demo.seed(io.StringIO())
    assert Piece.objects.count() == 12
