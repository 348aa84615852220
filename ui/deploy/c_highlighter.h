#pragma once
// A small syntax highlighter for the generated C (read-only preview):
// keywords and the stdint types, numbers, string and character literals,
// preprocessor lines, line and block comments (block comments may span
// lines). Colours follow the light / dark palette.
#include <vector>

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace mcunet::ui {

class CHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit CHighlighter(QTextDocument* document, bool dark = false);
    void setDark(bool dark);  // recolours and highlights again

protected:
    void highlightBlock(const QString& text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    void buildRules(bool dark);
    std::vector<Rule> rules_;
    QTextCharFormat comment_;
    QRegularExpression commentStart_{QStringLiteral("/\\*")};
    QRegularExpression commentEnd_{QStringLiteral("\\*/")};
};

}  // namespace mcunet::ui
