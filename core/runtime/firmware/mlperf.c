/* MLPerf Tiny's device commands (mlcommons/tiny benchmark/api; our rules in
 * docs/mlperf.md), so the community's benchmark runner can drive a board the
 * studio flashed. Commands end with '%', tokens are separated by spaces,
 * replies end with "\r\n" and every command is answered, last, by "m-ready";
 * errors are lines "e-[...]". The input is loaded straight into the model's
 * input tensor (app_input).
 *
 * Conformance points (issue 13):
 * - `profile%` reports the MLPerf task id as m-model-[ID]: MLPerf's runner
 *   picks its test by it. MCUNET_MLPERF_MODEL (a C string, set by the build
 *   from a validated [a-z0-9_-] id: vww01, ic01, kws01, ad01, sww01) or, by
 *   default, the model's name with anything outside printable ASCII, '[' and
 *   ']' shown as '_'.
 * - A load is all or nothing: a refused `db load N` (N too large, zero, not
 *   a number), a bad hex chunk or data past N refuses the whole load; data
 *   that follows a refused load is refused too, and `infer` answers an error
 *   until a complete load of the model's whole input (no inference on stale
 *   input).
 * - m-results-[...] are the softmax probabilities of the dequantized int8
 *   output, with enough decimals for the output scale (results_decimals).
 * - `profile%` also says what m-lap-us measures (m-timing-[...]): executed
 *   instructions on the virtual boards, core clock cycles on real ones. */
#include <math.h>
#include <string.h>

#include "app.h"
#include "board.h"

#define CMD_SIZE 80u
#define FIRMWARE_VERSION "MCUNet Studio firmware 1"

/* Where the last `db load` stands. */
enum load_state {
    LOAD_NONE,      /* nothing loaded since boot */
    LOAD_RECEIVING, /* db load N accepted, fewer than N bytes received */
    LOAD_DONE,      /* all N bytes received */
    LOAD_REFUSED,   /* the load was refused: its data is refused too */
    LOAD_CONSUMED   /* a run consumed the input (no SRAM for an input copy) */
};

static char cmd[CMD_SIZE + 1];
static uint32_t cmd_len;
static int cmd_too_long; /* the command had more than CMD_SIZE characters */
static uint32_t db_expected, db_loaded;
static enum load_state load_state;

static void put_uint(uint32_t v) {
    char buf[11];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n) board_putc((uint8_t)buf[--n]);
}

static void put_line(const char *a, const char *b) {
    board_puts(a);
    if (b) board_puts(b);
    board_puts("\r\n");
}

/* "e-[<a><n><b>]" */
static void put_error_n(const char *a, uint32_t n, const char *b) {
    board_puts("e-[");
    board_puts(a);
    put_uint(n);
    board_puts(b);
    board_puts("]\r\n");
}

static void timestamp(void) {
    board_puts("m-lap-us-");
    put_uint(board_time_us());
    board_puts("\r\n");
}

/* The model name, safe inside m-model-[...]: MLPerf's runner reads up to the
 * first ']'. */
static void put_bracket_safe(const char *s) {
    for (; *s; ++s) board_putc((uint8_t)(*s >= 0x20 && *s < 0x7f && *s != '[' && *s != ']' ? *s : '_'));
}

/* Decimals of m-results: at least MLPerf's three, and enough that the last
 * digit is at most a tenth of the output scale (the step between two int8
 * outputs), so the printed probabilities keep the output's resolution: one
 * step of a logit moves a probability by scale * p(1-p), up to scale/4. At
 * most six: the probabilities are floats. */
static uint32_t results_decimals(void) {
    uint32_t decimals = 3;
    float unit = 0.001f;
    while (decimals < 6 && unit > 0.1f * (float)MODEL_OUTPUT_SCALE) {
        unit *= 0.1f;
        ++decimals;
    }
    return decimals;
}

/* A probability in [0, 1] as "%0.<decimals>f", without printf. */
static void put_fixed(float v, uint32_t decimals) {
    uint32_t power = 1, scaled, i;
    for (i = 0; i < decimals; ++i) power *= 10u;
    if (!(v > 0.0f)) v = 0.0f; /* also NaN */
    if (v > 1.0f) v = 1.0f;
    scaled = (uint32_t)(v * (float)power + 0.5f);
    put_uint(scaled / power);
    board_putc('.');
    for (power /= 10u; power; power /= 10u) board_putc((uint8_t)('0' + (scaled / power) % 10u));
}

static float dequantized(uint32_t i) { return (float)MODEL_OUTPUT_SCALE * (float)(app_output[i] - MODEL_OUTPUT_ZERO_POINT); }

/* Softmax of the dequantized output, in three passes so no float array is
 * needed: max, sum of exp(x - max), then each probability. */
static void results(void) {
    const uint32_t decimals = results_decimals();
    float max = dequantized(0), sum = 0.0f;
    uint32_t i;
    for (i = 1; i < MODEL_OUTPUT_BYTES; ++i)
        if (dequantized(i) > max) max = dequantized(i);
    for (i = 0; i < MODEL_OUTPUT_BYTES; ++i) sum += expf(dequantized(i) - max);
    board_puts("m-results-[");
    for (i = 0; i < MODEL_OUTPUT_BYTES; ++i) {
        if (i) board_putc(',');
        put_fixed(expf(dequantized(i) - max) / sum, decimals);
    }
    board_puts("]\r\n");
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A decimal number of at most 9 digits (no overflow), optionally negative. */
static long to_long(const char *s, int *ok) {
    long v = 0;
    int sign = 1, digits = 0;
    *ok = 0;
    if (!s) return 0;
    if (*s == '-') {
        sign = -1;
        ++s;
    }
    while (*s >= '0' && *s <= '9' && digits < 9) {
        v = v * 10 + (*s++ - '0');
        ++digits;
    }
    *ok = digits > 0 && *s == 0;
    return sign * v;
}

static void refuse_load(void) {
    load_state = LOAD_REFUSED;
    db_expected = 0;
    db_loaded = 0;
}

static void db_load(const char *arg) {
    int ok;
    const long n = to_long(arg, &ok);
    if (!arg) {
        put_line("e-[Command 'db load' requires the # of bytes: the load is refused]", 0);
    } else if (!ok) {
        board_puts("e-[Command 'db load': '");
        put_bracket_safe(arg);
        put_line("' is not a byte count: the load is refused]", 0);
    } else if (n <= 0) {
        put_line("e-[Command 'db load' must be >0 bytes: the load is refused]", 0);
    } else if ((unsigned long)n > MODEL_INPUT_BYTES) {
        put_error_n("Command 'db load' exceeds the model input of ", MODEL_INPUT_BYTES, " bytes: the load and its data are refused");
    } else {
        db_expected = (uint32_t)n;
        db_loaded = 0;
        load_state = LOAD_RECEIVING;
        board_puts("m-[Expecting ");
        put_uint(db_expected);
        put_line(" bytes]", 0);
        return;
    }
    refuse_load();
}

static void db_print(void) {
    uint32_t i;
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)app_input;
    for (i = 0; i < db_loaded; ++i) {
        if (i % 8u == 0) board_puts("m-buffer-");
        else board_putc('-');
        board_putc((uint8_t)hex[p[i] >> 4]);
        board_putc((uint8_t)hex[p[i] & 15u]);
        if (i % 8u == 7u || i + 1 == db_loaded) board_puts("\r\n");
    }
}

/* `db <hex>`: the whole chunk is checked before any byte is stored. */
static void db_data(const char *digits_text) {
    const uint32_t digits = (uint32_t)strlen(digits_text);
    uint32_t i;
    if (load_state == LOAD_REFUSED) {
        put_line("e-[db: data refused: the last 'db load' was refused]", 0);
        return;
    }
    if (load_state != LOAD_RECEIVING && load_state != LOAD_DONE) {
        put_line("e-[db: data without a 'db load N' before it]", 0);
        return;
    }
    if (digits % 2u) {
        put_line("e-[Insufficent number of hex digits: the load is refused]", 0);
        refuse_load();
        return;
    }
    for (i = 0; i < digits; i += 2) {
        if (hex_value(digits_text[i]) < 0 || hex_value(digits_text[i + 1]) < 0) {
            char pair[3];
            pair[0] = digits_text[i];
            pair[1] = digits_text[i + 1];
            pair[2] = 0;
            board_puts("e-[Invalid hex digit '");
            put_bracket_safe(pair);
            put_line("': the load is refused]", 0);
            refuse_load();
            return;
        }
    }
    if (digits / 2u > db_expected - db_loaded) {
        put_error_n("db: more data than the ", db_expected, " bytes of 'db load': the load is refused");
        refuse_load();
        return;
    }
    for (i = 0; i < digits; i += 2)
        app_input[db_loaded++] = (int8_t)(uint8_t)(hex_value(digits_text[i]) * 16 + hex_value(digits_text[i + 1]));
    if (db_loaded == db_expected && load_state == LOAD_RECEIVING) {
        load_state = LOAD_DONE;
        put_line("m-load-done", 0);
    }
}

static void db(char *sub, char *arg) {
    if (!sub) put_line("e-[Command 'db' requires a subcommand]", 0);
    else if (strcmp(sub, "load") == 0) db_load(arg);
    else if (strcmp(sub, "print") == 0) db_print();
    else db_data(sub);
}

/* 1 when the input holds a complete load of the model's whole input; else
 * says why not (e-[...]) and returns 0. */
static int input_ready(void) {
    switch (load_state) {
        case LOAD_DONE:
            if (db_expected == MODEL_INPUT_BYTES) return 1;
            put_error_n("infer: the last load set ", db_expected, " bytes, the model's input has more: load all of it");
            return 0;
        case LOAD_RECEIVING:
            put_error_n("infer: the last load is incomplete: ", db_loaded, " bytes received: no inference on stale input");
            return 0;
        case LOAD_REFUSED:
            put_line("e-[infer: the last load was refused: load the input again]", 0);
            return 0;
        case LOAD_CONSUMED:
            put_line("e-[infer: the last run consumed the input (no SRAM for an input copy): load it again]", 0);
            return 0;
        case LOAD_NONE:
            break;
    }
    put_line("e-[infer: no input loaded (db load N, then its data)]", 0);
    return 0;
}

static void infer(char *n_text, char *w_text) {
    int ok = 1;
    long n = 1, w = 10;
    if (n_text) n = to_long(n_text, &ok);
    if (!ok || n <= 0) {
        put_line("e-[Inference iterations must be >0]", 0);
        return;
    }
    if (w_text) w = to_long(w_text, &ok);
    if (!ok || w < 0) {
        put_line("e-[Inference warmup must be >=0]", 0);
        return;
    }
    if (!APP_INPUT_REPEATABLE && n + w > 1) {
        put_line("e-[This model leaves no SRAM for an input copy: use infer 1 0 after each db load]", 0);
        return;
    }
    if (!input_ready()) return;
    board_puts("m-warmup-start-");
    put_uint((uint32_t)w);
    board_puts("\r\n");
    if (w) app_run((uint32_t)w);
    put_line("m-warmup-done", 0);
    board_puts("m-infer-start-");
    put_uint((uint32_t)n);
    board_puts("\r\n");
    timestamp();
    app_run((uint32_t)n);
    timestamp();
    put_line("m-infer-done", 0);
    if (!APP_INPUT_REPEATABLE) load_state = LOAD_CONSUMED;
    results();
}

static void profile(void) {
    put_line("m-profile-[" FIRMWARE_VERSION "]", 0);
    board_puts("m-model-[");
#ifdef MCUNET_MLPERF_MODEL
    put_bracket_safe(MCUNET_MLPERF_MODEL);
#else
    put_bracket_safe(MODEL_NAME);
#endif
    put_line("]", 0);
    board_puts("m-timing-[");
    put_bracket_safe(board_timing());
    put_line("]", 0);
}

/* Splits on spaces in place (strtok_r is not C99). */
static char *next_token(char **cursor) {
    char *start = *cursor;
    while (*start == ' ') ++start;
    if (!*start) return 0;
    *cursor = start;
    while (**cursor && **cursor != ' ') ++*cursor;
    if (**cursor) *(*cursor)++ = 0;
    return start;
}

static void command(char *line) {
    char *save = line;
    char *tok = next_token(&save);
    if (!tok) {
        /* An empty command: nothing to do. */
    } else if (strcmp(tok, "name") == 0) {
        put_line("m-name-dut-[mcunet-studio]", 0);
    } else if (strcmp(tok, "profile") == 0) {
        profile();
    } else if (strcmp(tok, "timestamp") == 0) {
        timestamp();
    } else if (strcmp(tok, "db") == 0) {
        char *sub = next_token(&save);
        db(sub, next_token(&save));
    } else if (strcmp(tok, "infer") == 0) {
        char *n = next_token(&save);
        infer(n, next_token(&save));
    } else if (strcmp(tok, "results") == 0) {
        results();
    } else if (strcmp(tok, "help") == 0) {
        put_line("MCUNet Studio firmware: name profile timestamp db load N, db HEX, db print, infer N W, results", 0);
    } else {
        board_puts("e-[Unknown command: ");
        put_bracket_safe(tok);
        put_line("]", 0);
    }
    put_line("m-ready", 0);
}

/* A command longer than the buffer is never run cut short: a cut `db <hex>`
 * would store part of its data, so it refuses a load in progress. */
static void too_long(void) {
    put_error_n("Command longer than ", CMD_SIZE, " characters ignored");
    if (strncmp(cmd, "db ", 3) == 0 && strncmp(cmd, "db load", 7) != 0 && strncmp(cmd, "db print", 8) != 0 &&
        (load_state == LOAD_RECEIVING || load_state == LOAD_DONE)) {
        put_line("e-[db: the load is refused]", 0);
        refuse_load();
    }
    put_line("m-ready", 0);
}

void mlperf_boot(void) {
    put_line("m-timestamp-mode-performance", 0);
    timestamp();
    put_line("m-init-done", 0);
    put_line("m-ready", 0);
}

void mlperf_feed(uint8_t byte) {
    if (byte == '%') {
        cmd[cmd_len] = 0;
        if (cmd_too_long) too_long();
        else command(cmd);
        cmd_len = 0;
        cmd_too_long = 0;
        return;
    }
    if (byte == '\r' || byte == '\n') return; /* line endings between commands */
    if (byte < 0x20u || byte > 0x7eu) {
        cmd_len = 0; /* binary noise (a damaged frame): not part of any command */
        cmd_too_long = 0;
        return;
    }
    if (cmd_len < CMD_SIZE) cmd[cmd_len++] = (char)byte;
    else cmd_too_long = 1;
}
