"""The text pipeline: character classes, cleaning, language identification, tokens, clitics and
normalization; pure functions over strings, nothing of Kafka or of the taggers."""
