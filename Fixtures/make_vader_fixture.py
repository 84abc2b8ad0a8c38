"""Writes Fixtures/vader_reference.json: the reference VADER scores (Python `vaderSentiment`, 3.3.2)
for our own test sentences, checked by Tests/RecoDataTests/SentimentTests.swift.

"builtIn" scores use our built-in lexicon (the literal in
Sources/RecoData/Sentiment/VADERLexicon+BuiltIn.swift, written to a temporary file); "full" scores use
the package's full vader_lexicon.txt (the file `make vader-lexicon` copies into lexicons/). Scores are
stored unrounded (the package's `round` is replaced by the identity while scoring), so the Swift port
can be compared far below the package's 3-4 printed decimals.

    pip install vaderSentiment && python3 Fixtures/make_vader_fixture.py

`--random N OUT` instead writes N random sentences built from rule words, lexicon words, capitals,
punctuation and odd whitespace, with their scores, to OUT (not committed), for the opt-in test:

    python3 Fixtures/make_vader_fixture.py --random 5000 /tmp/vader_random.json
    VADER_COMPARE=/tmp/vader_random.json swift test -c release --filter largerFixtureAgreesWithPython
"""
import json
import os
import random
import sys
import tempfile

import vaderSentiment.vaderSentiment as vader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Sources", "RecoData", "Sentiment", "VADERLexicon+BuiltIn.swift")

SENTENCES = [
    "The blender is good.",
    "The blender is not good.",
    "The blender isn't good at all.",
    "It is never good.",
    "It is very good.",
    "It is extremely good and really nice.",
    "It is slightly good.",
    "It is kind of good.",
    "The fabric is sort of nice, but the zipper is broken.",
    "The color is great, but the strap is cheap.",
    "Good case but terrible battery and awful support.",
    "I love it but it is good but bad",
    "Good good but good",
    "Nice but love",
    "It is GREAT and the price is fine.",
    "IT IS GREAT",
    "This is VERY good value.",
    "Great product!",
    "Great product!!!",
    "Great product!!!!!!!",
    "Is it good??",
    "Is it bad????",
    "The worst purchase I ever made.",
    "At least it isn't a horrible book.",
    "This is the least comfortable chair.",
    "It was never so comfortable.",
    "It has never been this good!",
    "Without a doubt, an excellent idea.",
    "Without doubt excellent quality.",
    "No problems at all, I love it.",
    "No, it is not bad.",
    "There is no love or happy feeling here.",
    "The packaging was ugly but the product works, I am happy.",
    "I hate, hate, HATE this thing!!",
    "ok. fine. nice.",
    "Not bad at all",
    "I wouldn't say it is terrible, it's pretty good :)",
    "The sound is the bomb and the look is beautiful.",
    "Honestly the price was to die for, perfect gift.",
    "Yeah right, as if this was the best one.",
    "It was barely comfortable and hardly worth it.",
    "Disappointed. Broken after two days; poor quality, cheap plastic, ugly color.",
    "Excellent seller, perfect fit, comfortable and beautiful. Best purchase!",
    "",
    "   ",
    "!!!",
    "nothing to say",
    "The café was nice and the NAÏVE design was lovely",
]


def built_in_lexicon():
    text = open(SOURCE, encoding="utf-8").read()
    start = text.index('#"""\n') + len('#"""\n')
    end = text.index('\n"""#')
    return text[start:end] + "\n"


def unrounded(fn):
    vader.round = lambda x, n=None: x
    try:
        return fn()
    finally:
        del vader.round


def scores(analyzer):
    return [dict(zip(("negative", "neutral", "positive", "compound"),
                     (lambda s: (s["neg"], s["neu"], s["pos"], s["compound"]))(analyzer.polarity_scores(t))))
            for t in SENTENCES]


RANDOM_WORDS = """no not never so this without doubt kind of but BUT But least at very or nor the shit bomb bad ass
bus stop yeah right kiss death to die for beating heart just enough sort isn't don't didn't ISN'T uh-uh nope very VERY
extremely barely kinda sort-of kind-of really REALLY good GOOD great Great bad BAD love hate HATE ok. ok no. No NO :) :D
:-) (: happy sad terrible awful worst best nice, nice! perfect. broken cheap ugly comfortable !! ! ? ?? ... - the a it
IT THE was is product item café NAÏVE ÉTÉ excellent poor disappointed beautiful fun funny lol haha wow problem problems
fail sucks lame more most less little almost hardly""".split()
RANDOM_SEPARATORS = [" "] * 20 + ["\t", "\n", "\u00a0", "\u2003", "  ", " \r\n"]


def random_sentences(count, seed=7):
    generator = random.Random(seed)
    return ["".join(generator.choice(RANDOM_WORDS) + generator.choice(RANDOM_SEPARATORS)
                    for _ in range(generator.randint(1, 25))) for _ in range(count)]


def main():
    global SENTENCES
    out_path = os.path.join(ROOT, "Fixtures", "vader_reference.json")
    if len(sys.argv) == 4 and sys.argv[1] == "--random":
        SENTENCES = random_sentences(int(sys.argv[2]))
        out_path = sys.argv[3]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(built_in_lexicon())
        path = f.name
    try:
        built_in = unrounded(lambda: scores(vader.SentimentIntensityAnalyzer(lexicon_file=path)))
    finally:
        os.unlink(path)
    full = unrounded(lambda: scores(vader.SentimentIntensityAnalyzer()))
    out = {"package": "vaderSentiment 3.3.2", "sentences": SENTENCES, "builtIn": built_in, "full": full}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
