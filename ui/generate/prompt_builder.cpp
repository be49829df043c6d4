#include "generate/prompt_builder.h"

#include "engines/procedural/footstep_prompt.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace footfall::ui {

namespace {

const PromptAxis kAxes[] = {PromptAxis::Surface,    PromptAxis::Footwear, PromptAxis::Gait,
                            PromptAxis::Pace,       PromptAxis::Weight,   PromptAxis::Wetness,
                            PromptAxis::Perspective};

QString axisLabel(PromptAxis axis) {
    switch (axis) {
    case PromptAxis::Surface:
        return PromptBuilder::tr("Surface");
    case PromptAxis::Footwear:
        return PromptBuilder::tr("Footwear");
    case PromptAxis::Gait:
        return PromptBuilder::tr("Gait");
    case PromptAxis::Pace:
        return PromptBuilder::tr("Pace");
    case PromptAxis::Weight:
        return PromptBuilder::tr("Weight");
    case PromptAxis::Wetness:
        return PromptBuilder::tr("Wet/dry");
    case PromptAxis::Perspective:
        return PromptBuilder::tr("Perspective");
    }
    return {};
}

// The phrase the engine reads for a canonical value: its first (canonical) vocabulary phrase.
QString phraseFor(PromptAxis axis, const QString& value) {
    for (const PromptWord& w : promptVocabulary())
        if (w.axis == axis && QString::fromStdString(w.value) == value)
            return QString::fromStdString(w.phrase);
    QString v = value;
    return v.replace(QLatin1Char('_'), QLatin1Char(' '));
}

} // namespace

PromptBuilder::PromptBuilder(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("promptBuilder"));
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(4);
    grid->setColumnStretch(1, 1);
    int i = 0;
    for (PromptAxis axis : kAxes) {
        const QString name = QString::fromLatin1(promptAxisName(axis));
        auto* combo = new QComboBox(this);
        combo->setObjectName(QStringLiteral("builder_") + name);
        combo->addItem(tr("any"), QString());
        for (const std::string& v : canonicalValues(axis)) {
            QString text = QString::fromStdString(v);
            combo->addItem(text.replace(QLatin1Char('_'), QLatin1Char(' ')),
                           QString::fromStdString(v));
        }
        // One column, and combos that do not grow to their longest item: the builder must fit
        // the generation panel's width in every language (two columns were cut off).
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
        auto* label = new QLabel(axisLabel(axis), this);
        label->setBuddy(combo);
        grid->addWidget(label, i, 0);
        grid->addWidget(combo, i, 1);
        m_combos.insert(name, combo);
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_updating)
                Q_EMIT promptBuilt(prompt());
        });
        ++i;
    }
}

QString PromptBuilder::prompt() const {
    const auto pick = [this](PromptAxis axis) {
        const QComboBox* c = m_combos.value(QString::fromLatin1(promptAxisName(axis)));
        const QString value = c ? c->currentData().toString() : QString();
        return value.isEmpty() ? QString() : phraseFor(axis, value);
    };
    // Reads as a sound designer would write it; the engine only looks for the phrases, and the
    // first phrase per axis wins, so "footsteps" (a walk word) is used only without a gait.
    QStringList words;
    for (PromptAxis a : {PromptAxis::Pace, PromptAxis::Weight})
        if (QString w = pick(a); !w.isEmpty())
            words << w;
    const QString gait = pick(PromptAxis::Gait);
    words << (gait.isEmpty() ? QStringLiteral("footsteps") : gait);
    if (QString f = pick(PromptAxis::Footwear); !f.isEmpty())
        words << QStringLiteral("in") << f;
    QString ground = pick(PromptAxis::Surface);
    if (QString wet = pick(PromptAxis::Wetness); !wet.isEmpty())
        ground =
            ground.isEmpty() ? wet + QStringLiteral(" ground") : wet + QLatin1Char(' ') + ground;
    if (!ground.isEmpty())
        words << QStringLiteral("on") << ground;
    QString text = words.join(QLatin1Char(' '));
    if (QString p = pick(PromptAxis::Perspective); !p.isEmpty())
        text += QStringLiteral(", ") + p;
    if (text == QLatin1String("footsteps"))
        return {};
    return text;
}

void PromptBuilder::readPrompt(const QString& prompt) {
    m_updating = true;
    for (QComboBox* c : std::as_const(m_combos))
        c->setCurrentIndex(0);
    const FootstepParams params = interpretPrompt(prompt.toStdString());
    for (const std::string& word : params.matchedWords)
        for (const PromptWord& w : promptVocabulary())
            if (w.phrase == word) {
                QComboBox* c = m_combos.value(QString::fromLatin1(promptAxisName(w.axis)));
                if (c && c->currentIndex() == 0) // the first phrase per axis wins, as in the engine
                    c->setCurrentIndex(std::max(0, c->findData(QString::fromStdString(w.value))));
                break;
            }
    m_updating = false;
}

} // namespace footfall::ui
