"""Text -> sentences, syllables and segmented words, with offsets into the text as given; the one normaliser."""
