"""How the desk reads the languages the story is told in: English, Ukrainian and Russian.

`dates` finds date expressions in a text and keeps them as precise as the source;
`spellings` gives a name's other spellings and the key that lets them match. Both are
plain libraries: they know nothing of the desk's models (docs/language.md).
"""
