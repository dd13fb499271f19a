"""Reader-facing forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

SEARCH_MAX_LENGTH = 100


class SearchForm(forms.Form):
    """The ``?q=`` of the search page: up to ``SEARCH_MAX_LENGTH`` characters, no NUL."""

    q = forms.CharField(
        label=_("Keywords"), max_length=SEARCH_MAX_LENGTH, required=False, strip=True
    )

    def words(self) -> list[str]:
        """The query's words (at most 8), or ``[]`` when the form is empty or invalid."""
        if not self.is_valid():
            return []
        return self.cleaned_data["q"].split()[:8]
