#include "app/preferences_dialog.h"

#include "app/translations.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace footfall::ui {

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    for (const UiLanguage& l : uiLanguages())
        m_language->addItem(l.code.isEmpty() ? tr("System default") : l.nativeName, l.code);
    const int saved = m_language->findData(savedUiLanguage());
    m_language->setCurrentIndex(saved < 0 ? 0 : saved);

    auto* form = new QFormLayout;
    form->addRow(tr("&Language"), m_language);
    // The command stays on one line however the sentence wraps (no-break space, word joiners).
    auto* note = new QLabel(tr("The language changes the next time Footfall starts. "
                               "%1 overrides it for one run.")
                                .arg(QStringLiteral("footfall\u00a0-\u2060-\u2060lang")),
                            this);
    note->setObjectName(QStringLiteral("languageNote"));
    note->setWordWrap(true);
    // Our own words for the buttons: Qt's translations (qt6-translations-l10n) may be missing.
    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(tr("OK"), QDialogButtonBox::AcceptRole)->setDefault(true);
    buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

QString PreferencesDialog::selectedLanguage() const {
    return m_language->currentData().toString();
}

void PreferencesDialog::accept() {
    saveUiLanguage(selectedLanguage());
    QDialog::accept();
}

} // namespace footfall::ui
