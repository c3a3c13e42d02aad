"""The vocabularies of citations: TextChoices only, importable without the models
(citations.models re-exports them)."""

from django.db import models


class EntryType(models.TextChoices):
    """The entry types of BibTeX and biblatex (standard, aliases and non-standard types)."""

    ARTICLE = "article", "Article"
    BOOK = "book", "Book"
    MVBOOK = "mvbook", "Multi-volume book"
    INBOOK = "inbook", "Part of a book"
    BOOKINBOOK = "bookinbook", "Book in a book"
    SUPPBOOK = "suppbook", "Supplement to a book"
    BOOKLET = "booklet", "Booklet"
    COLLECTION = "collection", "Collection"
    MVCOLLECTION = "mvcollection", "Multi-volume collection"
    INCOLLECTION = "incollection", "Contribution to a collection"
    SUPPCOLLECTION = "suppcollection", "Supplement to a collection"
    DATASET = "dataset", "Data set"
    MANUAL = "manual", "Manual"
    MISC = "misc", "Miscellaneous"
    ONLINE = "online", "Online resource"
    PATENT = "patent", "Patent"
    PERIODICAL = "periodical", "Periodical issue"
    SUPPPERIODICAL = "suppperiodical", "Supplement to a periodical"
    PROCEEDINGS = "proceedings", "Proceedings"
    MVPROCEEDINGS = "mvproceedings", "Multi-volume proceedings"
    INPROCEEDINGS = "inproceedings", "Conference paper"
    REFERENCE = "reference", "Reference work"
    MVREFERENCE = "mvreference", "Multi-volume reference work"
    INREFERENCE = "inreference", "Entry in a reference work"
    REPORT = "report", "Report"
    SET = "set", "Entry set"
    SOFTWARE = "software", "Software"
    THESIS = "thesis", "Thesis"
    UNPUBLISHED = "unpublished", "Unpublished"
    XDATA = "xdata", "Data container (xdata)"
    # BibTeX's types that biblatex keeps as aliases.
    CONFERENCE = "conference", "Conference paper (BibTeX)"
    ELECTRONIC = "electronic", "Electronic resource (alias of online)"
    MASTERSTHESIS = "mastersthesis", "Master's thesis"
    PHDTHESIS = "phdthesis", "PhD thesis"
    TECHREPORT = "techreport", "Technical report"
    WWW = "www", "Web page (alias of online)"
    # biblatex's non-standard types (supported by some styles).
    ARTWORK = "artwork", "Artwork"
    AUDIO = "audio", "Audio"
    BIBNOTE = "bibnote", "Bibliographic note"
    COMMENTARY = "commentary", "Commentary"
    IMAGE = "image", "Image"
    JURISDICTION = "jurisdiction", "Court decision"
    LEGISLATION = "legislation", "Legislation"
    LEGAL = "legal", "Legal document"
    LETTER = "letter", "Letter"
    MOVIE = "movie", "Movie"
    MUSIC = "music", "Music"
    PERFORMANCE = "performance", "Performance"
    REVIEW = "review", "Review"
    STANDARD = "standard", "Standard"
    VIDEO = "video", "Video"


UNKNOWN_ENTRY_TYPE = "{entry_type!r} is not a BibTeX or biblatex entry type (e.g. article, book)."


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    VERIFIED = "verified", "Verified"
    DISCREPANCY = "discrepancy", "Cited with discrepancies"
    NOT_FOUND = "not_found", "Not found (searched, no such record)"


class Retraction(models.TextChoices):
    """What the publisher later said about the record; separate from whether we verified it."""

    NONE = "none", "None"
    RETRACTED = "retracted", "Retracted"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"
    CORRECTED = "corrected", "Corrected"


class Role(models.TextChoices):
    AUTHOR = "author", "Author"
    EDITOR = "editor", "Editor"
