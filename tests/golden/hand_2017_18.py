"""The hand reconstruction of samples/002_09ef99f253a2c4a1.txt (Council Plan 2017/18, OCR).

Written by reading the text, not by the parser: every row below is the line range (or, on a
line read across columns, the words) that a reader assigns to it. Running this file writes
``plan_2017_18_hand.json`` next to it, which the tests compare the parser with.

Judgement calls: "Continue to promote:" with its three bullets is one action; the target
cell at lines 23-29 holds two targets (a new sentence at a line start after a full stop).
"""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE = Path(__file__).parents[2] / "samples" / "002_09ef99f253a2c4a1.txt"
TEXT = SAMPLE.read_text(encoding="utf-8").split("\n")

PRIORITIES = {
    1: (1, 4),
    2: (263, 266),
    3: (425, 427),
    4: (588, 592),
    5: (809, 809),
}

# (priority, commitment, actions, targets); an int pair is a line range, a str is words
# taken from a line read across columns.
R = tuple
GROUPS = [
    (
        1,
        [
            "We will continue to improve our",
            R((9, 11)),
            "the actions in the council’s",
            "Children’s Improvement Plan.",
        ],
        [["Deliver, in partnership, the", R((13, 14)), "care."]],
        [[R((16, 19))], ["DfE acknowledges progress at", R((24, 25))], [R((26, 29))]],
    ),
    (
        1,
        [
            "We will, as part of our",
            "Improvement Plan, work with",
            "partners to improve outcomes for",
            R((37, 41)),
        ],
        [
            ["Deliver the Children", "Looked After (CLA)", "Strategy"],
            [R((43, 44))],
            [R((46, 52))],
            [R((54, 58))],
            [R((60, 62))],
        ],
        [
            [
                "Quarterly reports to Corporate",
                "Parenting Board demonstrate",
                "‘satisfactory progress’ in",
                R((64, 65)),
            ],
            [R((67, 69))],
            [R((71, 73))],
            [R((75, 78))],
            [R((80, 84))],
            [R((86, 86))],
        ],
    ),
    (1, [R((91, 96))], [[R((98, 106))]], [[R((108, 112))], [R((114, 119))], [R((121, 124))]]),
    (1, [R((126, 132))], [[R((134, 135))]], [[R((137, 139))], [R((141, 145))]]),
    (
        1,
        [R((147, 150))],
        [[R((152, 154))], [R((156, 162))], [R((164, 169))], [R((171, 175))]],
        [[R((177, 180))], [R((182, 187))], [R((189, 196))], [R((198, 200))]],
    ),
    (
        1,
        [R((201, 210))],
        [[R((212, 216))], [R((218, 223))], [R((225, 229))]],
        [
            [R((231, 235))],
            [R((237, 240))],
            [R((242, 243))],
            [R((245, 246))],
            [R((248, 248))],
            [R((250, 252))],
            [R((254, 258))],
        ],
    ),
    (2, [R((270, 275))], [[R((277, 279))], [R((281, 286))]], [[R((288, 290))], [R((292, 293))]]),
    (2, [R((295, 302))], [[R((304, 305))], [R((307, 310))]], [[R((312, 314))], [R((316, 318))]]),
    (2, [R((320, 323))], [[R((325, 328))], [R((330, 333))]], [[R((335, 336))], [R((338, 340))]]),
    (2, [R((342, 345))], [[R((347, 349))]], [[R((351, 353))], [R((355, 357))], [R((359, 361))]]),
    (2, [R((366, 369))], [[R((371, 374))], [R((376, 379))]], [[R((381, 383))]]),
    (2, [R((385, 390))], [[R((392, 395))]], [[R((397, 398))]]),
    (
        2,
        [R((400, 403))],
        [[R((405, 407))], [R((409, 409))]],
        [[R((411, 413))], [R((415, 417))], [R((419, 420))]],
    ),
    (
        3,
        [R((431, 436))],
        [[R((438, 441))], [R((443, 449))], [R((451, 453))], [R((455, 459))]],
        [[R((461, 465))], [R((467, 469))], [R((471, 474))], [R((476, 477))], [R((479, 482))]],
    ),
    (3, [R((484, 487))], [[R((489, 491))]], [[R((493, 494))]]),
    (3, [R((496, 500))], [[R((502, 506))]], [[R((508, 509))]]),
    (
        3,
        [R((514, 521))],
        [[R((523, 525))], [R((527, 530))], [R((532, 536))], [R((538, 541))]],
        [[R((543, 545))], [R((547, 548))], [R((550, 553))], [R((555, 556))], [R((558, 559))]],
    ),
    (3, [R((561, 566))], [[R((568, 574))]], [[R((576, 579))], [R((581, 583))]]),
    (
        4,
        [R((596, 599))],
        [[R((601, 602))], [R((604, 607))], [R((609, 611))]],
        [[R((613, 614))], [R((616, 617))], [R((619, 622))], [R((624, 627))], [R((629, 633))]],
    ),
    (4, [R((635, 647))], [[R((649, 652))]], [[R((654, 657))], [R((659, 661))], [R((663, 666))]]),
    (
        4,
        [R((671, 673))],
        [[R((675, 679))], [R((681, 685))], [R((687, 689))]],
        [[R((691, 695))], [R((697, 701))], [R((703, 709))]],
    ),
    (4, [R((711, 714))], [[R((716, 723))], [R((725, 732))]], [[R((734, 735))], [R((737, 739))]]),
    (4, [R((741, 746))], [[R((748, 752))], [R((754, 758))]], [[R((760, 761))], [R((763, 765))]]),
    (
        4,
        [R((766, 774))],
        [[R((776, 779))], [R((781, 782))], [R((784, 788))], [R((790, 793))]],
        [[R((795, 796))], [R((798, 799))], [R((801, 805))], [R((807, 808))]],
    ),
    (
        5,
        [R((813, 819))],
        [
            [R((821, 825))],
            [R((827, 828))],
            [R((830, 833))],
            [R((835, 841))],
            [R((843, 845))],
            [R((847, 848))],
            [R((850, 855))],
        ],
        [
            [R((857, 858))],
            [R((860, 862))],
            [R((864, 867))],
            [R((869, 870))],
            [R((872, 873))],
            [R((875, 875))],
            [R((877, 877))],
            [R((879, 880))],
            [R((882, 884))],
            [R((886, 889))],
            [R((891, 893))],
        ],
    ),
    (
        5,
        [R((894, 899))],
        [[R((901, 902))], [R((904, 908))], [R((910, 913))]],
        [
            [R((915, 917))],
            [R((919, 922))],
            [R((924, 927))],
            [R((929, 933))],
            [R((935, 937))],
            [R((939, 941))],
            [R((943, 947))],
            [R((949, 951))],
            [R((953, 957))],
        ],
    ),
    (
        5,
        [R((958, 963))],
        [[R((965, 970))], [R((972, 977))], [R((979, 981))], [R((983, 986))]],
        [[R((988, 990))], [R((992, 994))], [R((996, 996))], [R((998, 1001))]],
    ),
    (
        5,
        [R((1003, 1008))],
        [
            [R((1010, 1014))],
            [R((1016, 1021))],
            [R((1023, 1025))],
            [R((1027, 1031))],
            [R((1033, 1034))],
        ],
        [
            [R((1036, 1037))],
            [R((1039, 1041))],
            [R((1043, 1045))],
            [R((1047, 1050))],
            [R((1052, 1054))],
        ],
    ),
]


def words(parts: list) -> str:
    """Join the parts' words single-spaced; a line ending in a letter-hyphen joins on."""
    out = ""
    for part in parts:
        if isinstance(part, str):
            pieces = [part]
        else:
            pieces = [TEXT[n - 1] for n in range(part[0], part[1] + 1)]
        for piece in pieces:
            piece = " ".join(piece.split())
            if piece.startswith("e "):  # an OCR'd bullet
                piece = piece[2:]
            if piece.startswith("Priority: "):
                piece = piece[len("Priority: ") :]
            if not piece:
                continue
            if out and out[-1] == "-" and out[-2:-1].isalnum():
                out += piece
            else:
                out = f"{out} {piece}" if out else piece
    return out


def build() -> dict:
    groups = []
    for priority, commitment, actions, targets in GROUPS:
        groups.append(
            {
                "outcome_number": priority,
                "outcome": words([PRIORITIES[priority]]),
                "commitment": words(commitment),
                "actions": [words(a) for a in actions],
                "targets": [words(t) for t in targets],
            }
        )
    return {"source": SAMPLE.name, "groups": groups}


if __name__ == "__main__":
    out = Path(__file__).with_name("plan_2017_18_hand.json")
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    data = build()
    print(
        sum(len(g["actions"]) for g in data["groups"]),
        sum(len(g["targets"]) for g in data["groups"]),
    )
