#!/usr/bin/env python3
"""Generates a C program that calls every function exported in include/dogapi.h

  1. with a NULL pointer in each pointer argument in turn (the others valid),
  2. with invalid UTF-8 in each string argument in turn (the others valid), and
  3. with extreme values in each numeric argument in turn (the others valid): ±0, ±1e308,
     NaN, ±inf, the smallest subnormal for floating point; INT_MIN/-1/INT_MAX,
     INT64_MIN/-1/INT64_MAX, SIZE_MAX for integers; also in every numeric field of a struct
     passed by value or by pointer (dog_point_t arrays, dog_stats_timer_t), and
  4. for the option setters (dog_stats_options_set_*): NaN, infinities and the largest doubles
     must be refused with DOG_ERR_INVALID_ARGUMENT,

and checks that nothing crashes, that a NULL handle gives DOG_ERR_NULL_ARGUMENT, that
invalid UTF-8 gives DOG_ERR_INVALID_ARGUMENT naming UTF-8, and that no call returns
DOG_ERR_INTERNAL (a caught panic) or prints a panic on stderr (round 3 captures stderr and
scans it after every call). Because it reads the header, every
function added later is covered without editing this file; a new opaque handle type needs an
entry in HANDLES (the generator stops with an error otherwise).

Usage: gen_abi_robustness.py include/dogapi.h > abi_robustness.c
Run the program under the intake (`dog-intake run -- ./abi_robustness`): valid handles point
at it, so calls that pass their checks reach a harmless local server.
"""
import re
import sys

# How to make a valid instance of each opaque handle, and how to release it.
HANDLES = {
    "dog_http_t": ("dt_client()", "dog_http_free({v})"),
    "dog_response_t": ("dt_response()", "dog_response_free({v})"),
    "dog_stats_t": ("dt_stats()", "dog_stats_free({v})"),
    "dog_stats_options_t": ("dt_stats_options()", "dog_stats_options_free({v})"),
    "dog_stats_counter_t": ("dt_stats_counter()", "dog_stats_counter_free({v})"),
    "dog_stats_gauge_t": ("dt_stats_gauge()", "dog_stats_gauge_free({v})"),
    "dog_stats_histogram_t": ("dt_stats_histogram()", "dog_stats_histogram_free({v})"),
    "dog_stats_distribution_t": ("dt_stats_distribution()", "dog_stats_distribution_free({v})"),
}
# Functions never called with a valid handle: they would consume or stop it.
NULL_ONLY_SUFFIXES = ("_free",)
# Functions with process-wide effects (skipped in the valid-argument rounds).
GLOBAL_EFFECTS = {"dog_log_set_callback", "dog_set_log_callback"}
# Round 4: functions whose number arguments must be refused when extreme, and the values tried.
EXTREME_PREFIXES = ("dog_stats_options_set_",)
EXTREME_DOUBLES = ("NAN", "INFINITY", "-INFINITY", "DBL_MAX", "-DBL_MAX")

BAD_UTF8 = '"\\xff\\xfe\\xfd"'

# Extreme values per numeric C type (round 3).
FLOAT_EXTREMES = ["0.0", "-0.0", "1e308", "-1e308", "NAN", "INFINITY", "-INFINITY", "4.9e-324"]
INT_EXTREMES = {
    "int": ["INT_MIN", "-1", "0", "INT_MAX"],
    "int32_t": ["INT32_MIN", "-1", "0", "INT32_MAX"],
    "int64_t": ["INT64_MIN", "-1", "0", "INT64_MAX"],
    "long": ["LONG_MIN", "-1", "LONG_MAX"],
    "unsigned": ["0", "UINT_MAX"],
    "unsigned int": ["0", "UINT_MAX"],
    "uint32_t": ["0", "UINT32_MAX"],
    "uint64_t": ["0", "UINT64_MAX"],
    "size_t": ["0", "SIZE_MAX"],
}


def parse(header_text):
    text = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"DOG_DEPRECATED\(\"(?:[^\"\\]|\\.)*\"\)", "", text)
    text = re.sub(r"#[^\n]*", "", text)
    funcs = []
    for m in re.finditer(r"([A-Za-z_][\w\s\*]*?)\b(dog_\w+)\s*\(([^;{}]*?)\)\s*;", text, flags=re.S):
        ret, name, params = m.group(1), m.group(2), m.group(3)
        if "typedef" in ret or "(" in params and "(*" in params:
            continue
        ret = " ".join(ret.split())
        plist = []
        params = " ".join(params.split())
        if params and params != "void":
            for p in params.split(","):
                p = p.strip()
                pm = re.match(r"(.*?)([A-Za-z_]\w*)$", p)
                ptype, pname = pm.group(1).strip(), pm.group(2)
                plist.append((ptype, pname))
        funcs.append((ret, name, plist))
    return funcs


def handle_of(ptype):
    base = ptype.replace("const", "").replace("*", "").strip()
    return base if base in HANDLES else None


def is_handle_ptr(ptype):
    return ptype.count("*") == 1 and handle_of(ptype) is not None


def value_for(ptype, pname, decls, cleanups, idx):
    """A valid value for one parameter."""
    t = " ".join(ptype.split())
    var = f"a{idx}"
    if t == "const char *":
        if "json" in pname or pname in ("graphs", "options", "description", "template_variables", "widgets", "graph_def"):
            return '"{}"'
        if pname == "method":
            return '"GET"'
        return '"x"'
    if is_handle_ptr(t):
        h = handle_of(t)
        decls.append(f"{h} *{var} = {HANDLES[h][0]};")
        cleanups.append(HANDLES[h][1].format(v=var) + ";")
        return var
    if t.endswith("**") and handle_of(t.rstrip("*").strip() + " *"):
        h = handle_of(t.replace("*", "").strip())
        decls.append(f"{h} *{var} = NULL;")
        cleanups.append(f"if ({var}) {HANDLES[h][1].format(v=var)};")
        return f"&{var}"
    if t.endswith("*"):
        base = t.replace("const", "").replace("*", "").strip()
        if base == "char":
            decls.append(f"char {var}[64] = {{0}};")
            return var
        if base == "void":
            return "NULL"
        decls.append(f"{base} {var}[4]; memset({var}, 0, sizeof {var});")
        return var
    if t in ("double", "float"):
        return "1.0"
    if t == "bool":
        return "false"
    if t.endswith("_fn"):
        return "NULL"
    if t in STRUCTS:
        decls.append(f"{t} {var}; memset(&{var}, 0, sizeof {var});")
        return var
    return "1"


def zero_for(ptype):
    t = " ".join(ptype.split())
    if t in STRUCTS:
        return "(%s){0}" % t
    if t.endswith("*") or t.endswith("_fn"):
        return "NULL"
    if t in ("double", "float"):
        return "0.0"
    if t == "bool":
        return "false"
    return "0"


def emit_call(out, ret, name, args, label, decls, cleanups, expect=None, expect_text=None):
    out.append("    {")
    for d in decls:
        out.append("        " + d)
    call = f"{name}({', '.join(args)})"
    if ret == "dog_status_t":
        out.append(f"        dog_status_t st = {call};")
        if expect:
            cond = f"st == {expect}"
            if expect_text:
                cond += f' && strstr(dog_error_last(), "{expect_text}") != NULL'
            out.append(f'        CHECK({cond}, "{label}: %s (%s)", dog_status_str(st), dog_error_last());')
        else:
            out.append(f'        CHECK(st >= 0 && st != DOG_ERR_INTERNAL, "{label}: %s (%s)", dog_status_str((int)st), dog_last_error());')
    elif ret.endswith("*") and handle_of(ret) and name.endswith(("_new", "_new_full")):
        h = handle_of(ret)
        out.append(f"        {ret} r = {call};")
        out.append(f"        if (r) {HANDLES[h][1].format(v='r')};")
        out.append(f"        dt_passed++;")
    elif ret == "void":
        out.append(f"        {call};")
        out.append(f"        dt_passed++;")
    else:
        out.append(f"        {ret} r = {call};")
        out.append(f"        (void)r;")
        out.append(f"        dt_passed++;")
    for c in cleanups:
        out.append("        " + c)
    out.append("    }")


STRUCTS = set()
# Structs whose fields are all numbers: field lists, filled with extremes in round 3.
NUMERIC_STRUCTS = {}


def extremes_of(ctype):
    t = " ".join(ctype.split())
    if t in ("double", "float"):
        return FLOAT_EXTREMES
    return INT_EXTREMES.get(t)


def parse_numeric_structs(header):
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    for body, name in re.findall(r"typedef struct\s*\{([^{}]*)\}\s*(dog_\w+_t)\s*;", text):
        fields = []
        for decl in body.split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            m = re.match(r"(.*?)\s*\b([A-Za-z_]\w*)$", decl)
            if not m or "*" in decl or extremes_of(m.group(1)) is None:
                fields = None
                break
            fields.append((m.group(1), m.group(2)))
        if fields:
            NUMERIC_STRUCTS[name] = fields


def extreme_arg(ptype, value, decls, idx):
    """`value` (an extreme of the right type) as the argument for a numeric parameter, a numeric
    struct by value or a pointer to numeric structs; None when the parameter is none of these."""
    t = " ".join(ptype.split())
    var = f"x{idx}"
    if extremes_of(t) is not None:
        return value
    base = t.replace("const", "").replace("*", "").strip()
    if base in NUMERIC_STRUCTS and t.count("*") <= 1:
        ftype = NUMERIC_STRUCTS[base][0][0]
        sets = [f for ft, f in NUMERIC_STRUCTS[base] if ft == ftype]
        if "*" in t:
            decls.append(f"{base} {var}[4]; memset({var}, 0, sizeof {var});")
            decls.append(f"for (int k = 0; k < 4; k++) {{ " + " ".join(f"{var}[k].{f} = {value};" for f in sets) + " }")
            return var
        decls.append(f"{base} {var}; memset(&{var}, 0, sizeof {var});")
        decls.append(" ".join(f"{var}.{f} = {value};" for f in sets))
        return var
    return None


def extremes_for_param(ptype):
    t = " ".join(ptype.split())
    e = extremes_of(t)
    if e is not None:
        return e
    base = t.replace("const", "").replace("*", "").strip()
    if base in NUMERIC_STRUCTS and t.count("*") <= 1:
        return extremes_of(NUMERIC_STRUCTS[base][0][0])
    return None


def main():
    header = open(sys.argv[1]).read()
    STRUCTS.update(re.findall(r"}\s*(dog_\w+_t)\s*;", header))
    parse_numeric_structs(header)
    funcs = parse(header)
    for ret, name, params in funcs:
        for ptype, _ in params:
            base = ptype.replace("const", "").replace("*", "").strip()
            if base.startswith("dog_") and base.endswith("_t") and "*" in ptype and base not in HANDLES:
                if re.search(r"typedef struct dog_\w+ " + re.escape(base) + ";", header):
                    sys.exit(f"gen_abi_robustness.py: no constructor for opaque handle {base}; add it to HANDLES")
    out = [
        "/* Generated by tests/c/gen_abi_robustness.py from include/dogapi.h. Do not edit. */",
        "#include <float.h>",
        "#include <limits.h>",
        "#include <math.h>",
        "#include <stdint.h>",
        '#include "dogtest.h"',
        "",
        "static dog_response_t *dt_response(void) {",
        "    dog_http_t *h = dt_client();",
        "    dog_response_t *r = NULL;",
        '    dog_http_request(h, "GET", "_intake/requests", "path=/none", NULL, &r);',
        "    dog_http_free(h);",
        "    if (r == NULL) { fprintf(stderr, \"no response from the intake\\n\"); exit(2); }",
        "    return r;",
        "}",
    ]
    out += [
        "static dog_stats_options_t *dt_stats_options(void) {",
        "    dog_stats_options_t *o = dog_stats_options_new();",
        "    if (o == NULL) { fprintf(stderr, \"cannot create stats options\\n\"); exit(2); }",
        "    return o;",
        "}",
        "/* A started aggregator that flushes only when asked, to the intake. */",
        "static dog_stats_t *dt_stats(void) {",
        "    dog_stats_options_t *o = dt_stats_options();",
        "    dog_stats_t *s = dog_stats_new();",
        '    if (s == NULL || dog_stats_options_set_api_key(o, "test-api-key") != DOG_OK ||',
        "        dog_stats_options_set_api_host(o, dt_intake_url()) != DOG_OK ||",
        "        dog_stats_options_set_flush_in_thread(o, false) != DOG_OK ||",
        "        dog_stats_options_set_shutdown_timeout(o, 1.0) != DOG_OK || dog_stats_start(s, o) != DOG_OK) {",
        "        fprintf(stderr, \"cannot start stats: %s\\n\", dog_error_last());",
        "        exit(2);",
        "    }",
        "    dog_stats_options_free(o);",
        "    return s;",
        "}",
        "/* Pre-registered handles; the instance is freed right away (a handle outliving it is",
        " * part of the contract: recording then returns DOG_ERR_NOT_STARTED). */",
    ]
    for kind in ("counter", "gauge", "histogram", "distribution"):
        out += [
            f"static dog_stats_{kind}_t *dt_stats_{kind}(void) {{",
            "    dog_stats_t *s = dt_stats();",
            f'    dog_stats_{kind}_t *h = dog_stats_{kind}_new(s, "abi.{kind}", "a:1");',
            f'    if (h == NULL) {{ fprintf(stderr, "cannot create a {kind} handle: %s\\n", dog_error_last()); exit(2); }}',
            "    dog_stats_free(s);",
            "    return h;",
            "}",
        ]
    out += ["", "int main(void) {", f"    /* {len(funcs)} exported functions */"]
    covered = 0
    for ret, name, params in funcs:
        covered += 1
        out.append(f"    /* {name} */")
        # Round 1: NULL in each pointer parameter in turn.
        for i, (ptype, pname) in enumerate(params):
            if not (ptype.endswith("*") or ptype.endswith("_fn")):
                continue
            if name in GLOBAL_EFFECTS and i != 0:
                continue
            decls, cleanups, args = [], [], []
            null_only = name.endswith(NULL_ONLY_SUFFIXES)
            for j, (pt, pn) in enumerate(params):
                if j == i:
                    args.append("NULL")
                elif null_only:
                    args.append(zero_for(pt))
                else:
                    args.append(value_for(pt, pn, decls, cleanups, j))
            expect = "DOG_ERR_NULL_ARGUMENT" if (is_handle_ptr(ptype) and ret == "dog_status_t" and i == 0) else None
            if name in GLOBAL_EFFECTS:
                args = [zero_for(pt) for pt, _ in params]
                expect = None
            emit_call(out, ret, name, args, f"{name}: NULL {pname}", decls, cleanups, expect)
        # Round 3: extreme values in each numeric parameter in turn: never a caught panic.
        if not name.endswith(NULL_ONLY_SUFFIXES):
            for i, (ptype, pname) in enumerate(params):
                for value in extremes_for_param(ptype) or []:
                    decls, cleanups, args = [], [], []
                    for j, (pt, pn) in enumerate(params):
                        if j == i:
                            args.append(extreme_arg(pt, value, decls, j))
                        elif name in GLOBAL_EFFECTS:
                            args.append(zero_for(pt))
                        else:
                            args.append(value_for(pt, pn, decls, cleanups, j))
                    emit_call(out, ret, name, args, f"{name}: {pname} = {value}", decls, cleanups)
        # Round 2: invalid UTF-8 in each string parameter in turn.
        if name.endswith(NULL_ONLY_SUFFIXES) or name in GLOBAL_EFFECTS:
            continue
        for i, (ptype, pname) in enumerate(params):
            if " ".join(ptype.split()) != "const char *":
                continue
            decls, cleanups, args = [], [], []
            for j, (pt, pn) in enumerate(params):
                args.append(BAD_UTF8 if j == i else value_for(pt, pn, decls, cleanups, j))
            expect = "DOG_ERR_INVALID_ARGUMENT" if ret == "dog_status_t" else None
            emit_call(out, ret, name, args, f"{name}: invalid UTF-8 in {pname}", decls, cleanups, expect, "UTF-8" if expect else None)
        # Round 4: a range-checked setter refuses non-finite and huge doubles outright.
        if not name.startswith(EXTREME_PREFIXES):
            continue
        for i, (ptype, pname) in enumerate(params):
            t = " ".join(ptype.split())
            if t == "double":
                tries = [(v, "DOG_ERR_INVALID_ARGUMENT") for v in EXTREME_DOUBLES]
            elif t == "size_t":
                tries = [("SIZE_MAX", None)]
            else:
                continue
            for v, expect in tries:
                decls, cleanups, args = [], [], []
                for j, (pt, pn) in enumerate(params):
                    args.append(v if j == i else value_for(pt, pn, decls, cleanups, j))
                emit_call(out, ret, name, args, f"{name}: {v} in {pname}", decls, cleanups, expect)
    out += [f'    printf("covered {covered} of {len(funcs)} exported functions\\n");', '    return dt_finish("abi_robustness");', "}"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
