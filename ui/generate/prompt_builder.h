// Footstep prompt builder: one choice per axis (surface, footwear, gait, pace, weight, wet/dry,
// perspective) from the procedural engine's own vocabulary, composed into a prompt.
#pragma once

#include <QMap>
#include <QWidget>

class QComboBox;

namespace footfall::ui {

class PromptBuilder : public QWidget {
    Q_OBJECT
public:
    explicit PromptBuilder(QWidget* parent = nullptr);

    // The prompt for the current choices ("" when nothing is chosen).
    QString prompt() const;
    // Sets the choices from the words an existing prompt contains (others to "any").
    void readPrompt(const QString& prompt);
    QComboBox* combo(const QString& axis) const { return m_combos.value(axis); }

Q_SIGNALS:
    void promptBuilt(const QString& prompt); // a choice was changed by the user

private:
    QMap<QString, QComboBox*> m_combos; // by axis name ("surface", ...)
    bool m_updating = false;
};

} // namespace footfall::ui
