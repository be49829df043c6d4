// Edit the app-wide preferences: for now the interface language, saved in QSettings and used
// from the next start (footfall --lang still overrides it).
#pragma once

#include <QDialog>

class QComboBox;

namespace footfall::ui {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    // Shows the saved choice.
    explicit PreferencesDialog(QWidget* parent = nullptr);

    QComboBox* languageCombo() const { return m_language; }
    // The language code selected ("" for the system's).
    QString selectedLanguage() const;

    // Saves the selection; QDialog::accept() then closes.
    void accept() override;

private:
    QComboBox* m_language = nullptr;
};

} // namespace footfall::ui
