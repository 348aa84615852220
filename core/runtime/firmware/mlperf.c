/* MLPerf Tiny's device commands (mlcommons/tiny benchmark/api), so the
 * community's benchmark runner can drive a board the studio flashed. Commands
 * end with '%', tokens are separated by spaces, replies end with "\r\n" and
 * every command is answered, last, by "m-ready". The input is loaded straight
 * into the model's input tensor in the arena. */
#include <string.h>

#include "app.h"
#include "board.h"

#define CMD_SIZE 80u
#define FIRMWARE_VERSION "MCUNet Studio firmware 1"

static char cmd[CMD_SIZE + 1];
static uint32_t cmd_len;
static uint32_t db_expected, db_loaded;

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

static void timestamp(void) {
    board_puts("m-lap-us-");
    put_uint(board_time_us());
    board_puts("\r\n");
}

/* "%0.3f" without printf: sign, integer part, three rounded decimals. */
static void put_fixed3(float v) {
    uint32_t scaled;
    if (v < 0) {
        board_putc('-');
        v = -v;
    }
    scaled = (uint32_t)(v * 1000.0f + 0.5f);
    put_uint(scaled / 1000u);
    board_putc('.');
    board_putc((uint8_t)('0' + (scaled / 100u) % 10u));
    board_putc((uint8_t)('0' + (scaled / 10u) % 10u));
    board_putc((uint8_t)('0' + scaled % 10u));
}

static void results(void) {
    uint32_t i;
    board_puts("m-results-[");
    for (i = 0; i < MODEL_OUTPUT_BYTES; ++i) {
        if (i) board_putc(',');
        put_fixed3(MODEL_OUTPUT_SCALE * (float)(app_output[i] - MODEL_OUTPUT_ZERO_POINT));
    }
    board_puts("]\r\n");
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static long to_long(const char *s, int *ok) {
    long v = 0;
    int sign = 1;
    *ok = 0;
    if (!s) return 0;
    if (*s == '-') {
        sign = -1;
        ++s;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        *ok = 1;
    }
    if (*s) *ok = 0;
    return sign * v;
}

static void db(char *sub, char *arg) {
    if (!sub) {
        put_line("e-[Command 'db' requires a subcommand]", 0);
    } else if (strcmp(sub, "load") == 0) {
        int ok;
        const long n = to_long(arg, &ok);
        if (!arg) put_line("e-[Command 'db load' requires the # of bytes]", 0);
        else if (!ok || n <= 0) put_line("e-[Command 'db load' must be >0 bytes]", 0);
        else if ((unsigned long)n > MODEL_INPUT_BYTES) {
            board_puts("e-[Command 'db load' exceeds the model input of ");
            put_uint(MODEL_INPUT_BYTES);
            put_line(" bytes]", 0);
        } else {
            db_expected = (uint32_t)n;
            db_loaded = 0;
            board_puts("m-[Expecting ");
            put_uint(db_expected);
            put_line(" bytes]", 0);
        }
    } else if (strcmp(sub, "print") == 0) {
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
    } else {
        const uint32_t digits = (uint32_t)strlen(sub);
        uint32_t i;
        if (digits % 2u) {
            put_line("e-[Insufficent number of hex digits]", 0);
            return;
        }
        for (i = 0; i + 1 < digits && db_loaded < db_expected; i += 2) {
            const int hi = hex_value(sub[i]), lo = hex_value(sub[i + 1]);
            if (hi < 0 || lo < 0) {
                char pair[3];
                pair[0] = sub[i];
                pair[1] = sub[i + 1];
                pair[2] = 0;
                board_puts("e-[Invalid hex digit '");
                board_puts(pair);
                put_line("']", 0);
                return;
            }
            app_input[db_loaded++] = (int8_t)(uint8_t)(hi * 16 + lo);
        }
        if (db_expected && db_loaded == db_expected) put_line("m-load-done", 0);
    }
}

static void infer(char *n_text, char *w_text) {
    int ok;
    long n = 1, w = 10;
    if (n_text) n = to_long(n_text, &ok);
    if (w_text) w = to_long(w_text, &ok);
    if (n <= 0) {
        put_line("e-[Inference iterations must be >0]", 0);
        return;
    }
    if (w < 0) {
        put_line("e-[Inference warmup must be >=0]", 0);
        return;
    }
    if (!APP_INPUT_REPEATABLE && n + w > 1) {
        put_line("e-[This model leaves no SRAM for an input copy: use infer 1 0 after each db load]", 0);
        return;
    }
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
    results();
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
        put_line("m-profile-[" FIRMWARE_VERSION "]", 0);
        board_puts("m-model-[");
        board_puts(MODEL_NAME);
        put_line("]", 0);
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
        board_puts(tok);
        put_line("]", 0);
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
        command(cmd);
        cmd_len = 0;
        return;
    }
    if (byte == '\r' || byte == '\n') return; /* line endings between commands */
    if (byte < 0x20u || byte > 0x7eu) {
        cmd_len = 0; /* binary noise (a damaged frame): not part of any command */
        return;
    }
    if (cmd_len < CMD_SIZE) cmd[cmd_len++] = (char)byte;
}
