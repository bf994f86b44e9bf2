"""The grammar's terminals and LALR(1) tables: GENERATED from grammar/cwql.lark, do not edit.

Run ``python grammar/build_tables.py`` after changing the grammar; tests/test_grammar.py
fails while this module and the grammar disagree. The data is Lark's own analysis of the
grammar, renumbered; cwql._lexer and cwql._parser run it, cwql._spec reads the keywords
and the path pattern from it.
"""

# ruff: noqa: S105  (TOKEN is a regular expression, not a password)

#: SHA-256 of the grammar these tables were built from.
GRAMMAR_SHA256 = '8aeb245a4e30a919200779d1cc46f09c630d625239042f1a9b4195b64afbfa42'

#: The keywords, lower case, and their terminals: a PATH token whose whole text is one,
#: in any (ASCII) case, is that keyword.
KEYWORDS: dict[str, str] = {'contains': 'CONTAINS', 'false': 'FALSE', 'desc': 'DESC', 'like': 'LIKE', 'null': 'NULL', 'true': 'TRUE', 'and': 'AND', 'asc': 'ASC', 'not': 'NOT', 'in': 'IN', 'or': 'OR'}
#: One segment of a field path, and a whole path (the PATH terminal).
SEGMENT = '[A-Za-z_][A-Za-z0-9_]*'
PATH = '[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*'
#: The NUMBER and STRING terminals.
NUMBER = '-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?![A-Za-z0-9_.])'
STRING = '(?s:"(?:[^"\\\\]|\\\\.|"")*+"|\'(?:[^\'\\\\]|\\\\.|\'\')*+\')'

#: One token: optional whitespace (the %ignore terminal), then group n for kind n, in the
#: order Lark's lexer tries the terminals; $END matches at the end of the text and $ERROR
#: any character no terminal starts with. Keyword kinds follow the groups.
TOKEN = '(?:[ \t\r\n]+)?+(?:((?i:(?-i:[A-Za-z_][A-Za-z0-9_]*(?:\\/[A-Za-z_][A-Za-z0-9_]*)*)))|(-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?![A-Za-z0-9_.]))|((?s:"(?:[^"\\\\]|\\\\.|"")*+"|\'(?:[^\'\\\\]|\\\\.|\'\')*+\'))|(\\[[^\\[\\]\n]*\\])|(!=|<=|>=|[=<>])|(,)|(\\()|(\\))|(\\Z)|([\\s\\S]))'
KINDS: tuple[str, ...] = (
    "",  # kinds count from 1, as regex groups do
    'PATH',  # 1
    'NUMBER',  # 2
    'STRING',  # 3
    'DATETIME',  # 4
    'OP',  # 5
    'COMMA',  # 6
    'LPAR',  # 7
    'RPAR',  # 8
    '$END',  # 9
    '$ERROR',  # 10
    'CONTAINS',  # 11
    'FALSE',  # 12
    'DESC',  # 13
    'LIKE',  # 14
    'NULL',  # 15
    'TRUE',  # 16
    'AND',  # 17
    'ASC',  # 18
    'NOT',  # 19
    'IN',  # 20
    'OR',  # 21
)

#: The state each start symbol's parse begins in.
START: dict[str, int] = {'conditions': 0, 'order_by': 1, 'fields': 2}

#: ACTIONS[state][kind]: n >= 0 shifts the token and goes to state n; ~r reduces by
#: RULES[r], and ~len(RULES) accepts; a kind missing from the row is a syntax error.
ACTIONS: tuple[dict[int, int], ...] = (
    {1: 3, 7: 4},  # 0
    {1: 11},  # 1
    {1: 15},  # 2
    {5: 18, 11: 19, 14: 20, 19: 21, 20: 22},  # 3
    {1: 3, 7: 4},  # 4
    {9: -42},  # 5
    {9: -1},  # 6
    {8: -3, 9: -3, 21: 24},  # 7
    {8: -2, 9: -2, 21: 25},  # 8
    {8: -7, 9: -7, 17: 26, 21: -7},  # 9
    {8: -6, 9: -6, 17: 27, 21: -6},  # 10
    {6: -36, 9: -36, 13: 28, 18: 29},  # 11
    {9: -42},  # 12
    {6: 30, 9: -33},  # 13
    {6: -34, 9: -34},  # 14
    {6: -40, 9: -40},  # 15
    {9: -42},  # 16
    {6: 31, 9: -39},  # 17
    {2: 32, 3: 33, 4: 34, 12: 35, 15: 36, 16: 37},  # 18
    {3: 38},  # 19
    {3: 39},  # 20
    {11: 40, 14: 41, 20: 42},  # 21
    {7: 43},  # 22
    {8: 44},  # 23
    {1: 3, 7: 4},  # 24
    {1: 3, 7: 4},  # 25
    {1: 3, 7: 4},  # 26
    {1: 3, 7: 4},  # 27
    {6: -38, 9: -38},  # 28
    {6: -37, 9: -37},  # 29
    {1: 11},  # 30
    {1: 50},  # 31
    {8: -12, 9: -12, 17: -12, 21: -12},  # 32
    {8: -11, 9: -11, 17: -11, 21: -11},  # 33
    {8: -13, 9: -13, 17: -13, 21: -13},  # 34
    {8: -15, 9: -15, 17: -15, 21: -15},  # 35
    {8: -16, 9: -16, 17: -16, 21: -16},  # 36
    {8: -14, 9: -14, 17: -14, 21: -14},  # 37
    {8: -17, 9: -17, 17: -17, 21: -17},  # 38
    {8: -19, 9: -19, 17: -19, 21: -19},  # 39
    {3: 51},  # 40
    {3: 52},  # 41
    {7: 53},  # 42
    {2: 54, 3: 55, 4: 56, 12: 57, 16: 58},  # 43
    {8: -10, 9: -10, 17: -10, 21: -10},  # 44
    {8: -5, 9: -5, 21: -5},  # 45
    {8: -4, 9: -4, 21: -4},  # 46
    {8: -9, 9: -9, 17: -9, 21: -9},  # 47
    {8: -8, 9: -8, 17: -8, 21: -8},  # 48
    {6: -35, 9: -35},  # 49
    {6: -41, 9: -41},  # 50
    {8: -18, 9: -18, 17: -18, 21: -18},  # 51
    {8: -20, 9: -20, 17: -20, 21: -20},  # 52
    {2: 54, 3: 55, 4: 56, 12: 57, 16: 58},  # 53
    {6: -24, 8: -24},  # 54
    {6: -23, 8: -23},  # 55
    {6: -25, 8: -25},  # 56
    {6: -27, 8: -27},  # 57
    {6: -26, 8: -26},  # 58
    {6: 61, 8: 62},  # 59
    {6: 61, 8: 63},  # 60
    {2: 64, 3: 65, 4: 66, 12: 67, 16: 68},  # 61
    {8: -21, 9: -21, 17: -21, 21: -21},  # 62
    {8: -22, 9: -22, 17: -22, 21: -22},  # 63
    {6: -29, 8: -29},  # 64
    {6: -28, 8: -28},  # 65
    {6: -30, 8: -30},  # 66
    {6: -32, 8: -32},  # 67
    {6: -31, 8: -31},  # 68
)

#: GOTO[state][n]: the state after a reduction to NONTERMINALS[n] uncovers ``state``.
GOTO: tuple[dict[int, int], ...] = (
    {0: 5, 1: 6, 2: 7, 3: 8, 4: 9, 5: 10},  # 0
    {7: 12, 8: 13, 9: 14},  # 1
    {10: 16, 11: 17},  # 2
    {},  # 3
    {1: 23, 2: 7, 3: 8, 4: 9, 5: 10},  # 4
    {},  # 5
    {},  # 6
    {},  # 7
    {},  # 8
    {},  # 9
    {},  # 10
    {},  # 11
    {},  # 12
    {},  # 13
    {},  # 14
    {},  # 15
    {},  # 16
    {},  # 17
    {},  # 18
    {},  # 19
    {},  # 20
    {},  # 21
    {},  # 22
    {},  # 23
    {3: 45, 4: 9, 5: 10},  # 24
    {3: 46, 4: 9, 5: 10},  # 25
    {5: 47},  # 26
    {5: 48},  # 27
    {},  # 28
    {},  # 29
    {9: 49},  # 30
    {},  # 31
    {},  # 32
    {},  # 33
    {},  # 34
    {},  # 35
    {},  # 36
    {},  # 37
    {},  # 38
    {},  # 39
    {},  # 40
    {},  # 41
    {},  # 42
    {6: 59},  # 43
    {},  # 44
    {},  # 45
    {},  # 46
    {},  # 47
    {},  # 48
    {},  # 49
    {},  # 50
    {},  # 51
    {},  # 52
    {6: 60},  # 53
    {},  # 54
    {},  # 55
    {},  # 56
    {},  # 57
    {},  # 58
    {},  # 59
    {},  # 60
    {},  # 61
    {},  # 62
    {},  # 63
    {},  # 64
    {},  # 65
    {},  # 66
    {},  # 67
    {},  # 68
)
NONTERMINALS: tuple[str, ...] = ('conditions', 'or_expr', 'or_chain', 'and_expr', 'and_chain', 'atom', 'values', 'order_by', 'sort_keys', 'sort_key', 'fields', 'field_list')

#: RULES[r] = (callback name, index in NONTERMINALS, number of symbols).
RULES: tuple[tuple[str, int, int], ...] = (
    ('root', 0, 1),  # 0: conditions: or_expr
    ('first', 1, 1),  # 1: or_expr: and_expr
    ('or_', 1, 1),  # 2: or_expr: or_chain
    ('chain_start', 2, 3),  # 3: or_chain: and_expr OR and_expr
    ('chain_add', 2, 3),  # 4: or_chain: or_chain OR and_expr
    ('first', 3, 1),  # 5: and_expr: atom
    ('and_', 3, 1),  # 6: and_expr: and_chain
    ('chain_start', 4, 3),  # 7: and_chain: atom AND atom
    ('chain_add', 4, 3),  # 8: and_chain: and_chain AND atom
    ('group', 5, 3),  # 9: atom: LPAR or_expr RPAR
    ('compare', 5, 3),  # 10: atom: PATH OP STRING
    ('compare', 5, 3),  # 11: atom: PATH OP NUMBER
    ('compare', 5, 3),  # 12: atom: PATH OP DATETIME
    ('compare', 5, 3),  # 13: atom: PATH OP TRUE
    ('compare', 5, 3),  # 14: atom: PATH OP FALSE
    ('compare', 5, 3),  # 15: atom: PATH OP NULL
    ('contains', 5, 3),  # 16: atom: PATH CONTAINS STRING
    ('not_contains', 5, 4),  # 17: atom: PATH NOT CONTAINS STRING
    ('like', 5, 3),  # 18: atom: PATH LIKE STRING
    ('not_like', 5, 4),  # 19: atom: PATH NOT LIKE STRING
    ('in_', 5, 5),  # 20: atom: PATH IN LPAR values RPAR
    ('not_in', 5, 6),  # 21: atom: PATH NOT IN LPAR values RPAR
    ('values_start', 6, 1),  # 22: values: STRING
    ('values_start', 6, 1),  # 23: values: NUMBER
    ('values_start', 6, 1),  # 24: values: DATETIME
    ('values_start', 6, 1),  # 25: values: TRUE
    ('values_start', 6, 1),  # 26: values: FALSE
    ('values_add', 6, 3),  # 27: values: values COMMA STRING
    ('values_add', 6, 3),  # 28: values: values COMMA NUMBER
    ('values_add', 6, 3),  # 29: values: values COMMA DATETIME
    ('values_add', 6, 3),  # 30: values: values COMMA TRUE
    ('values_add', 6, 3),  # 31: values: values COMMA FALSE
    ('order_by', 7, 1),  # 32: order_by: sort_keys
    ('list_start', 8, 1),  # 33: sort_keys: sort_key
    ('list_add', 8, 3),  # 34: sort_keys: sort_keys COMMA sort_key
    ('sort_key', 9, 1),  # 35: sort_key: PATH
    ('sort_key', 9, 2),  # 36: sort_key: PATH ASC
    ('sort_key', 9, 2),  # 37: sort_key: PATH DESC
    ('fields', 10, 1),  # 38: fields: field_list
    ('list_start', 11, 1),  # 39: field_list: PATH
    ('list_add', 11, 3),  # 40: field_list: field_list COMMA PATH
)
