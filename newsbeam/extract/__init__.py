"""Article extraction: body text and metadata from fetched HTML, behind one interface.

    from newsbeam.extract import ArticleExtractor
    article = ArticleExtractor(backend="auto").extract(html, url)
"""

from newsbeam.extract.extractor import ArticleExtractor
from newsbeam.extract.model import BACKENDS, ExtractedArticle, ExtractionError

__all__ = ["BACKENDS", "ArticleExtractor", "ExtractedArticle", "ExtractionError"]
