#include "deploy/c_highlighter.h"

#include <QColor>
#include <QStringList>

namespace mcunet::ui {

namespace {
QTextCharFormat textFormat(const QColor& colour, bool bold = false, bool italic = false) {
    QTextCharFormat f;
    f.setForeground(colour);
    if (bold) f.setFontWeight(QFont::Bold);
    f.setFontItalic(italic);
    return f;
}
}  // namespace

CHighlighter::CHighlighter(QTextDocument* document, bool dark) : QSyntaxHighlighter(document) { buildRules(dark); }

void CHighlighter::setDark(bool dark) {
    buildRules(dark);
    rehighlight();
}

void CHighlighter::buildRules(bool dark) {
    const QColor keyword = dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x00, 0x33, 0x99);
    const QColor type = dark ? QColor(0x4e, 0xc9, 0xb0) : QColor(0x00, 0x7a, 0x6e);
    const QColor number = dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xa3, 0x3b, 0x00);
    const QColor string = dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x1a, 0x7f, 0x1a);
    const QColor preprocessor = dark ? QColor(0xc7, 0x92, 0xea) : QColor(0x80, 0x00, 0x80);
    const QColor comment = dark ? QColor(0x8a, 0x93, 0x9e) : QColor(0x6a, 0x73, 0x7d);
    rules_.clear();
    static const QStringList keywords = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
        "_Alignas", "_Static_assert"};
    rules_.push_back({QRegularExpression(QStringLiteral("\\b(%1)\\b").arg(keywords.join('|'))), textFormat(keyword, true)});
    rules_.push_back({QRegularExpression(QStringLiteral("\\b(u?int(8|16|32|64)_t|size_t|bool|q15_t|q31_t)\\b")),
                      textFormat(type)});
    rules_.push_back({QRegularExpression(QStringLiteral(
                          "\\b(0[xX][0-9a-fA-F]+|[0-9]+\\.?[0-9]*([eE][-+]?[0-9]+)?)[uUlLfF]*\\b")),
                      textFormat(number)});
    rules_.push_back({QRegularExpression(QStringLiteral("^\\s*#\\s*[a-z]+")), textFormat(preprocessor)});
    // Literals and line comments last: they win over what they contain.
    rules_.push_back({QRegularExpression(QStringLiteral("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])+'")), textFormat(string)});
    comment_ = textFormat(comment, false, true);
    rules_.push_back({QRegularExpression(QStringLiteral("//[^\\n]*")), comment_});
}

void CHighlighter::highlightBlock(const QString& text) {
    for (const Rule& rule : rules_) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), rule.format);
        }
    }
    // Block comments, possibly spanning lines (state 1: inside one).
    setCurrentBlockState(0);
    qsizetype start = previousBlockState() == 1 ? 0 : text.indexOf(commentStart_);
    while (start >= 0) {
        const auto end = commentEnd_.match(text, start + (previousBlockState() == 1 && start == 0 ? 0 : 2));
        qsizetype length;
        if (!end.hasMatch()) {
            setCurrentBlockState(1);
            length = text.size() - start;
        } else {
            length = end.capturedEnd() - start;
        }
        setFormat(int(start), int(length), comment_);
        start = text.indexOf(commentStart_, start + length);
    }
}

}  // namespace mcunet::ui
