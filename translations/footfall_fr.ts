<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>GenerationWorker</name>
    <message>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>Take %1/%2 · %3</source>
        <translation>Prise %1/%2 · %3</translation>
    </message>
    <message>
        <source>Took %1</source>
        <translation>Durée&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 elapsed · %2 left</source>
        <translation>%1 écoulé · reste %2</translation>
    </message>
    <message>
        <source>%1 elapsed</source>
        <translation>%1 écoulé</translation>
    </message>
    <message>
        <source>Take %1/%2: %3 elapsed</source>
        <translation>Prise %1/%2&#xa0;: %3 écoulé</translation>
    </message>
    <message>
        <source>This take: %1 left</source>
        <translation>Cette prise&#xa0;: reste %1</translation>
    </message>
    <message>
        <source>No ETA until a sampler step has been measured</source>
        <translation>Temps restant inconnu tant qu&apos;aucune étape d&apos;échantillonnage n&apos;a été mesurée</translation>
    </message>
    <message>
        <source>No ETA for decoding and saving until a take has been through them</source>
        <translation>Temps restant du décodage et de l&apos;enregistrement inconnu tant qu&apos;aucune prise n&apos;y est passée</translation>
    </message>
    <message>
        <source>Sampler: %1</source>
        <translation>Échantillonneur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Takes %1–%2/%3 · %4</source>
        <translation>Prises %1–%2/%3 · %4</translation>
    </message>
</context>
<context>
    <name>TakeStore</name>
    <message>
        <source>The take list could not be read; it was kept as %1 and a new list is started.</source>
        <translation>La liste des prises est illisible&#xa0;; elle a été conservée sous %1 et une nouvelle liste commence.</translation>
    </message>
    <message>
        <source>The take list %1 could not be read.</source>
        <translation>La liste des prises %1 est illisible.</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) left the list: their files are gone.</source>
        <translation>
            <numerusform>%n prise a quitté la liste&#xa0;: son fichier a disparu.</numerusform>
            <numerusform>%n prises ont quitté la liste&#xa0;: leurs fichiers ont disparu.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>footfall::ui::CorrelationMeterWidget</name>
    <message>
        <source>Correlation (live)</source>
        <translation>Corrélation (direct)</translation>
    </message>
    <message>
        <source>Correlation (take)</source>
        <translation>Corrélation (prise)</translation>
    </message>
</context>
<context>
    <name>footfall::ui::ExportDialog</name>
    <message>
        <source>Export take</source>
        <translation>Exporter la prise</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>Dossier d&apos;export</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Date, time and prompt</source>
        <translation>Date, heure et prompt</translation>
    </message>
    <message>
        <source>UCS template</source>
        <translation>Modèle UCS</translation>
    </message>
    <message>
        <source>Naming</source>
        <translation>Nommage</translation>
    </message>
    <message>
        <source>&amp;Template</source>
        <translation>&amp;Modèle</translation>
    </message>
    <message>
        <source>your initials</source>
        <translation>vos initiales</translation>
    </message>
    <message>
        <source>project / library</source>
        <translation>projet / sonothèque</translation>
    </message>
    <message>
        <source>Creator / source</source>
        <translation>Auteur / source</translation>
    </message>
    <message>
        <source>F&amp;ormat</source>
        <translation>F&amp;ormat</translation>
    </message>
    <message>
        <source>Processing (the take in the library is never changed)</source>
        <translation>Traitement (la prise de la bibliothèque reste intacte)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucune</translation>
    </message>
    <message>
        <source>Peak (dBFS)</source>
        <translation>Crête (dBFS)</translation>
    </message>
    <message>
        <source>Loudness (LUFS)</source>
        <translation>Intensité sonore (LUFS)</translation>
    </message>
    <message>
        <source> dBFS</source>
        <translation> dBFS</translation>
    </message>
    <message>
        <source> LUFS</source>
        <translation> LUFS</translation>
    </message>
    <message>
        <source>Normalise</source>
        <translation>Normaliser</translation>
    </message>
    <message>
        <source>Trim silence below</source>
        <translation>Couper le silence sous</translation>
    </message>
    <message>
        <source> dB re peak</source>
        <translation> dB sous la crête</translation>
    </message>
    <message>
        <source>Trim</source>
        <translation>Couper</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>in</source>
        <translation>entrée</translation>
    </message>
    <message>
        <source>out</source>
        <translation>sortie</translation>
    </message>
    <message>
        <source>Fades</source>
        <translation>Fondus</translation>
    </message>
    <message>
        <source>Export the selection only</source>
        <translation>Exporter seulement la sélection</translation>
    </message>
    <message>
        <source>Slice the walk into single steps (numbered files)</source>
        <translation>Découper la marche en pas isolés (fichiers numérotés)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Take: %1</source>
        <translation>Prise&#xa0;: %1</translation>
    </message>
    <message>
        <source>
Selection: %1 – %2 s</source>
        <translation>
Sélection&#xa0;: %1 – %2 s</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GenerationPanel</name>
    <message>
        <source>Generate</source>
        <translation>Générer</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter). While a run is going, this queues the prompt.</source>
        <translation>Générer (Ctrl+Entrée). Pendant une génération, le prompt est mis en file d&apos;attente.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop the run within one step and drop the queue (Ctrl+.)</source>
        <translation>Arrêter la génération à l&apos;étape suivante et vider la file d&apos;attente (Ctrl+.)</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Brouillon</translation>
    </message>
    <message>
        <source>Draft: generate quickly with %1 steps and a fast sampler, the same seed and every other setting. Take ▸ Render final renders a chosen draft at full quality.</source>
        <translation>Brouillon&#xa0;: générer vite avec %1 étapes et un échantillonneur rapide, la même graine et tous les autres réglages. Prise ▸ Rendu final rend ensuite le brouillon choisi en pleine qualité.</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>e.g. heavy boots walking on wet gravel</source>
        <translation>ex.&#xa0;: lourdes bottes marchant sur du gravier mouillé</translation>
    </message>
    <message>
        <source>The prompt; the list holds your recent prompts</source>
        <translation>Le prompt&#xa0;; la liste garde vos prompts récents</translation>
    </message>
    <message>
        <source>Negative prompt (what to avoid)</source>
        <translation>Prompt négatif (ce qu&apos;il faut éviter)</translation>
    </message>
    <message>
        <source>Prompt builder</source>
        <translation>Assistant de prompt</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Réglages</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Takes</source>
        <translation>Prises</translation>
    </message>
    <message>
        <source>&amp;Duration</source>
        <translation>&amp;Durée</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>&amp;Steps</source>
        <translation>É&amp;tapes</translation>
    </message>
    <message>
        <source>engine default</source>
        <translation>défaut du moteur</translation>
    </message>
    <message>
        <source>Sa&amp;mpler</source>
        <translation>Écha&amp;ntillonneur</translation>
    </message>
    <message>
        <source>random</source>
        <translation>aléatoire</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Figer</translation>
    </message>
    <message>
        <source>Locked: every run uses this seed. Unlocked: a new random seed per run; the field shows the seed last used.</source>
        <translation>Figée&#xa0;: chaque génération utilise cette graine. Libre&#xa0;: une nouvelle graine aléatoire à chaque génération&#xa0;; le champ affiche la dernière utilisée.</translation>
    </message>
    <message>
        <source>New random seed (locks it)</source>
        <translation>Nouvelle graine aléatoire (la fige)</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>&amp;Graine</translation>
    </message>
    <message>
        <source>Engine and output</source>
        <translation>Moteur et sortie</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>auto</translation>
    </message>
    <message>
        <source>auto: Stable Audio Open when a model folder is set, else procedural</source>
        <translation>auto&#xa0;: Stable Audio Open si un dossier de modèle est indiqué, sinon procédural</translation>
    </message>
    <message>
        <source>procedural</source>
        <translation>procédural</translation>
    </message>
    <message>
        <source>Stable Audio Open</source>
        <translation>Stable Audio Open</translation>
    </message>
    <message>
        <source>Device for the model (auto, cpu or cuda)</source>
        <translation>Processeur pour le modèle (auto, cpu ou cuda)</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Moteur</translation>
    </message>
    <message>
        <source>Choose a stable-audio-open model folder</source>
        <translation>Choisir un dossier de modèle stable-audio-open</translation>
    </message>
    <message>
        <source>none: procedural engine</source>
        <translation>aucun&#xa0;: moteur procédural</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Choose the folder for new takes</source>
        <translation>Choisir le dossier des nouvelles prises</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <source>Advanced (Stable Audio Open)</source>
        <translation>Avancé (Stable Audio Open)</translation>
    </message>
    <message>
        <source>auto (by hardware)</source>
        <translation>auto (selon le matériel)</translation>
    </message>
    <message>
        <source>bf16 weights, fp32 compute</source>
        <translation>poids bf16, calcul fp32</translation>
    </message>
    <message>
        <source>auto: on a CPU with bf16 matrix units (AMX-BF16, AVX512-BF16) the diffusion model&apos;s linear layers run in bf16, about twice as fast; elsewhere fp32. bf16 forces that path; fp16 and bf16-storage halve the weights&apos; memory. On CUDA: the compute precision. The take records what ran and why.</source>
        <translation>auto&#xa0;: sur un processeur doté d&apos;unités matricielles bf16 (AMX-BF16, AVX512-BF16), les couches linéaires du modèle de diffusion tournent en bf16, environ deux fois plus vite&#xa0;; ailleurs en fp32. bf16 impose ce chemin&#xa0;; fp16 et bf16-storage divisent par deux la mémoire des poids. Sous CUDA&#xa0;: la précision de calcul. La prise note ce qui a tourné et pourquoi.</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Précision</translation>
    </message>
    <message>
        <source>Low memory</source>
        <translation>Mémoire réduite</translation>
    </message>
    <message>
        <source>Keep only the stage that runs on the device (slower, less VRAM)</source>
        <translation>Ne garder sur le processeur que l&apos;étage en cours (plus lent, moins de VRAM)</translation>
    </message>
    <message>
        <source>Full window</source>
        <translation>Fenêtre complète</translation>
    </message>
    <message>
        <source>Sample the model&apos;s whole window, then trim to the duration (as the reference UI)</source>
        <translation>Générer toute la fenêtre du modèle, puis couper à la durée (comme l&apos;interface de référence)</translation>
    </message>
    <message>
        <source>Choose a t5-base folder (config.json, model.safetensors, spiece.model)</source>
        <translation>Choisir un dossier t5-base (config.json, model.safetensors, spiece.model)</translation>
    </message>
    <message>
        <source>inside the model folder</source>
        <translation>dans le dossier du modèle</translation>
    </message>
    <message>
        <source>T5</source>
        <translation>T5</translation>
    </message>
    <message>
        <source>Queue and recent runs</source>
        <translation>File d&apos;attente et générations récentes</translation>
    </message>
    <message>
        <source>Prompts waiting their turn (Delete removes the selected one)</source>
        <translation>Prompts en attente (Suppr retire celui sélectionné)</translation>
    </message>
    <message>
        <source>Remove from queue</source>
        <translation>Retirer de la file d&apos;attente</translation>
    </message>
    <message>
        <source>Finished, cancelled and failed runs, newest first</source>
        <translation>Générations terminées, annulées et échouées, les plus récentes en premier</translation>
    </message>
    <message>
        <source>No runs yet</source>
        <translation>Aucune génération pour le moment</translation>
    </message>
    <message>
        <source>Cannot recall this take: %1</source>
        <translation>Impossible de rappeler cette prise&#xa0;: %1</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>En file</translation>
    </message>
    <message>
        <source>1 prompt waiting</source>
        <translation>1 prompt en attente</translation>
    </message>
    <message numerus="yes">
        <source>%n prompts waiting</source>
        <translation>
            <numerusform>%n prompt en attente</numerusform>
            <numerusform>%n prompts en attente</numerusform>
        </translation>
    </message>
    <message>
        <source>Vary from audio</source>
        <translation>Varier à partir d&apos;un son</translation>
    </message>
    <message>
        <source>none: drop a WAV or FLAC on the window</source>
        <translation>aucun&#xa0;: déposer un WAV ou un FLAC sur la fenêtre</translation>
    </message>
    <message>
        <source>Choose a WAV or FLAC file to vary</source>
        <translation>Choisir un fichier WAV ou FLAC à varier</translation>
    </message>
    <message>
        <source>Choose audio to vary</source>
        <translation>Choisir le son à varier</translation>
    </message>
    <message>
        <source>Audio (*.wav *.flac);;All files (*)</source>
        <translation>Audio (*.wav *.flac);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Remove the init audio: generate from noise again</source>
        <translation>Retirer l&apos;audio de départ&#xa0;: générer de nouveau à partir du bruit</translation>
    </message>
    <message>
        <source>&amp;Init audio</source>
        <translation>Audio de &amp;départ</translation>
    </message>
    <message>
        <source>&amp;Noise</source>
        <translation>&amp;Bruit</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: the file does not exist.</source>
        <translation>Impossible d&apos;utiliser %1 comme audio de départ&#xa0;: le fichier n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it is a folder, not a WAV or FLAC file.</source>
        <translation>Impossible d&apos;utiliser %1 comme audio de départ&#xa0;: c&apos;est un dossier, pas un fichier WAV ou FLAC.</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it is not a WAV or FLAC file.</source>
        <translation>Impossible d&apos;utiliser %1 comme audio de départ&#xa0;: ce n&apos;est pas un fichier WAV ou FLAC.</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it holds no samples.</source>
        <translation>Impossible d&apos;utiliser %1 comme audio de départ&#xa0;: il ne contient aucun échantillon.</translation>
    </message>
    <message>
        <source>Drop a WAV or FLAC file on the window, choose one with …, or use Take ▸ Vary from this take</source>
        <translation>Déposez un fichier WAV ou FLAC sur la fenêtre, choisissez-en un avec …, ou utilisez Prise ▸ Varier à partir de cette prise</translation>
    </message>
    <message>
        <source>Init audio needs Stable Audio Open: the procedural engine cannot vary audio. Choose the Stable Audio Open engine and a model folder.</source>
        <translation>L&apos;audio de départ demande Stable Audio Open&#xa0;: le moteur procédural ne sait pas varier un son. Choisissez le moteur Stable Audio Open et un dossier de modèle.</translation>
    </message>
    <message>
        <source>The file is missing</source>
        <translation>Le fichier est introuvable</translation>
    </message>
    <message>
        <source>%1 does not exist (any more): generating would fail.</source>
        <translation>%1 n&apos;existe pas (ou plus)&#xa0;: la génération échouerait.</translation>
    </message>
    <message>
        <source>How far the variation may move from the init audio: sampling starts at this noise level instead of pure noise. Low values stay close to it; SAO 1.0 all but ignores it at 500, rectified-flow models (SAO small) at 1.</source>
        <translation>Jusqu&apos;où la variation peut s&apos;éloigner de l&apos;audio de départ&#xa0;: l&apos;échantillonnage part de ce niveau de bruit au lieu d&apos;un bruit pur. Les petites valeurs restent proches du son&#xa0;; SAO 1.0 l&apos;ignore presque à 500, les modèles rectified-flow (SAO small) à 1.</translation>
    </message>
    <message>
        <source>The procedural engine cannot vary audio</source>
        <translation>Le moteur procédural ne sait pas varier un son</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GenerationWorker</name>
    <message>
        <source>Loading %1 engine…</source>
        <translation>Chargement du moteur %1…</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Échec de la génération&#xa0;: %1</translation>
    </message>
    <message>
        <source>Generation failed for an unknown reason.</source>
        <translation>La génération a échoué pour une raison inconnue.</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GoniometerWidget</name>
    <message>
        <source>display gain ×%1</source>
        <translation>gain d&apos;affichage ×%1</translation>
    </message>
</context>
<context>
    <name>footfall::ui::LoraListWidget</name>
    <message>
        <source>Add LoRA…</source>
        <translation>Ajouter un LoRA…</translation>
    </message>
    <message>
        <source>Add a LoRA (.safetensors or .ckpt as LoRAW writes it)</source>
        <translation>Ajouter un LoRA (.safetensors ou .ckpt tel que LoRAW l&apos;écrit)</translation>
    </message>
    <message>
        <source>Choose LoRA files</source>
        <translation>Choisir des fichiers LoRA</translation>
    </message>
    <message>
        <source>LoRA (*.safetensors *.ckpt);;All files (*)</source>
        <translation>LoRA (*.safetensors *.ckpt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Strength of %1</source>
        <translation>Force de %1</translation>
    </message>
    <message>
        <source>cfg</source>
        <translation>cfg</translation>
    </message>
    <message>
        <source>No LoRAW config: the LoRA&apos;s own metadata decides its rank and targets. Click to choose a model_config.json with a &quot;lora&quot; section.</source>
        <translation>Pas de configuration LoRAW&#xa0;: les métadonnées du LoRA fixent son rang et ses cibles. Cliquer pour choisir un model_config.json contenant une section «&#xa0;lora&#xa0;».</translation>
    </message>
    <message>
        <source>LoRAW config: %1 (click to change, right-click to clear)</source>
        <translation>Configuration LoRAW&#xa0;: %1 (clic pour changer, clic droit pour retirer)</translation>
    </message>
    <message>
        <source>Choose the LoRAW config</source>
        <translation>Choisir la configuration LoRAW</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Gradio-compatible strength (strength²)</source>
        <translation>Force compatible Gradio (force²)</translation>
    </message>
    <message>
        <source>Apply the strength as LoRAW&apos;s Gradio UI does: the LoRA is scaled by strength squared and alpha/rank is not applied. Use it to match takes made there. Off: training-faithful (strength × alpha/rank, as the LoRA was trained).</source>
        <translation>Appliquer la force comme l&apos;interface Gradio de LoRAW&#xa0;: le LoRA est multiplié par le carré de la force, sans alpha/rang. Pour retrouver les prises faites là-bas. Désactivé&#xa0;: fidèle à l&apos;entraînement (force × alpha/rang, comme le LoRA a été entraîné).</translation>
    </message>
    <message>
        <source>DoRA: ignore magnitude (LoRAW Gradio)</source>
        <translation>DoRA&#xa0;: ignorer la magnitude (Gradio LoRAW)</translation>
    </message>
    <message>
        <source>Implied by Gradio-compatible strength: DoRA magnitudes are ignored.</source>
        <translation>Impliqué par la force compatible Gradio&#xa0;: les magnitudes DoRA sont ignorées.</translation>
    </message>
    <message>
        <source>For DoRA files only: ignore the magnitude vectors, as LoRAW&apos;s Gradio UI does. Off: training-faithful (the magnitudes rescale each row). Plain LoRA files are not affected.</source>
        <translation>Fichiers DoRA seulement&#xa0;: ignorer les vecteurs de magnitude, comme l&apos;interface Gradio de LoRAW. Désactivé&#xa0;: fidèle à l&apos;entraînement (les magnitudes remettent chaque ligne à l&apos;échelle). Les fichiers LoRA ordinaires ne sont pas concernés.</translation>
    </message>
    <message>
        <source>Merge options (training-faithful; right-click the row for the same menu)</source>
        <translation>Options de fusion (fidèle à l&apos;entraînement&#xa0;; clic droit sur la ligne pour le même menu)</translation>
    </message>
    <message>
        <source>Merge options: %1</source>
        <translation>Options de fusion&#xa0;: %1</translation>
    </message>
    <message>
        <source>Remove this LoRA</source>
        <translation>Retirer ce LoRA</translation>
    </message>
    <message>
        <source>No LoRAW config</source>
        <translation>Pas de configuration LoRAW</translation>
    </message>
    <message>
        <source>LoRAW config: %1</source>
        <translation>Configuration LoRAW&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>footfall::ui::MainWindow</name>
    <message>
        <source>Footfall</source>
        <translation>Footfall</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Générer</translation>
    </message>
    <message>
        <source>Generate / queue</source>
        <translation>Générer / mettre en file</translation>
    </message>
    <message>
        <source>Cancel and clear queue</source>
        <translation>Annuler et vider la file d&apos;attente</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>&amp;Take</source>
        <translation>&amp;Prise</translation>
    </message>
    <message>
        <source>Play / stop</source>
        <translation>Lecture / arrêt</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>Boucle</translation>
    </message>
    <message>
        <source>Waveform / spectrogram</source>
        <translation>Forme d&apos;onde / spectrogramme</translation>
    </message>
    <message>
        <source>Put in slot A</source>
        <translation>Placer en A</translation>
    </message>
    <message>
        <source>Put in slot B</source>
        <translation>Placer en B</translation>
    </message>
    <message>
        <source>Switch A/B</source>
        <translation>Basculer A/B</translation>
    </message>
    <message>
        <source>Recall settings</source>
        <translation>Rappeler les réglages</translation>
    </message>
    <message>
        <source>Vary (same settings, new seed)</source>
        <translation>Varier (mêmes réglages, nouvelle graine)</translation>
    </message>
    <message>
        <source>Render final</source>
        <translation>Rendu final</translation>
    </message>
    <message>
        <source>Render this draft at full quality: the same seed and settings with the steps and sampler it stands for</source>
        <translation>Rendre ce brouillon en pleine qualité&#xa0;: même graine et mêmes réglages, avec les étapes et l&apos;échantillonneur qu&apos;il représente</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>Favori</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Rejeter</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>No rating</source>
        <translation>Sans note</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>Retirer de la liste</translation>
    </message>
    <message>
        <source>  ▸ A</source>
        <translation>  ▸ A</translation>
    </message>
    <message>
        <source>  ▸ B</source>
        <translation>  ▸ B</translation>
    </message>
    <message>
        <source>Put one take in slot A (Shift+A) and one in B (Shift+B) first</source>
        <translation>Placez d&apos;abord une prise en A (Maj+A) et une en B (Maj+B)</translation>
    </message>
    <message>
        <source>Cannot write the selection: %1</source>
        <translation>Impossible d&apos;écrire la sélection&#xa0;: %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Échec de l&apos;export&#xa0;: %1</translation>
    </message>
    <message>
        <source>Exported 1 file to %1</source>
        <translation>1 fichier exporté dans %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n files to %1</source>
        <translation>
            <numerusform>%n fichier exporté dans %1</numerusform>
            <numerusform>%n fichiers exportés dans %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued: %1</source>
        <translation>En file&#xa0;: %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>1 prompt queued</source>
        <translation>1 prompt en file</translation>
    </message>
    <message numerus="yes">
        <source>%n prompts queued</source>
        <translation>
            <numerusform>%n prompt en file</numerusform>
            <numerusform>%n prompts en file</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 %2 — failed: %3</source>
        <translation>%1 %2 — échec&#xa0;: %3</translation>
    </message>
    <message>
        <source>%1 %2 — cancelled, takes kept: %3</source>
        <translation>%1 %2 — annulé, prises conservées&#xa0;: %3</translation>
    </message>
    <message>
        <source>%1 %2 (×%3)</source>
        <translation>%1 %2 (×%3)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Generation failed</source>
        <translation>Échec de la génération</translation>
    </message>
    <message>
        <source>Cancelled (1 take kept)</source>
        <translation>Annulé (1 prise conservée)</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled (%n takes kept)</source>
        <translation>
            <numerusform>Annulé (%n prise conservée)</numerusform>
            <numerusform>Annulé (%n prises conservées)</numerusform>
        </translation>
    </message>
    <message>
        <source>Done: 1 take</source>
        <translation>Terminé&#xa0;: 1 prise</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n takes</source>
        <translation>
            <numerusform>Terminé&#xa0;: %n prise</numerusform>
            <numerusform>Terminé&#xa0;: %n prises</numerusform>
        </translation>
    </message>
    <message>
        <source>Settings of the take recalled (seed locked)</source>
        <translation>Réglages de la prise rappelés (graine figée)</translation>
    </message>
    <message>
        <source>Cannot render this take: %1</source>
        <translation>Impossible de rendre cette prise&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Rendering the draft at full quality (%n steps)</source>
        <translation>
            <numerusform>Rendu du brouillon en pleine qualité (%n étape)</numerusform>
            <numerusform>Rendu du brouillon en pleine qualité (%n étapes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Waveform</source>
        <translation>Forme d&apos;onde</translation>
    </message>
    <message>
        <source>Show the waveform (S toggles)</source>
        <translation>Afficher la forme d&apos;onde (S bascule)</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ Lecture</translation>
    </message>
    <message>
        <source>Play / stop (Space)</source>
        <translation>Lecture / arrêt (Espace)</translation>
    </message>
    <message>
        <source>⟲ Loop</source>
        <translation>⟲ Boucle</translation>
    </message>
    <message>
        <source>Loop playback (L)</source>
        <translation>Lecture en boucle (L)</translation>
    </message>
    <message>
        <source>Spectrogram</source>
        <translation>Spectrogramme</translation>
    </message>
    <message>
        <source>Show the spectrogram instead of the waveform (S)</source>
        <translation>Afficher le spectrogramme au lieu de la forme d&apos;onde (S)</translation>
    </message>
    <message>
        <source>Log Hz</source>
        <translation>Hz log</translation>
    </message>
    <message>
        <source>Linear Hz</source>
        <translation>Hz linéaire</translation>
    </message>
    <message>
        <source>Frequency axis of the spectrogram</source>
        <translation>Axe des fréquences du spectrogramme</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>Play a take as soon as it is selected (Up/Down to move)</source>
        <translation>Lire une prise dès sa sélection (Haut/Bas pour naviguer)</translation>
    </message>
    <message>
        <source>As generated</source>
        <translation>Telle que générée</translation>
    </message>
    <message>
        <source>Match −23 LUFS</source>
        <translation>Aligner sur −23 LUFS</translation>
    </message>
    <message>
        <source>Match quietest</source>
        <translation>Aligner sur la plus faible</translation>
    </message>
    <message>
        <source>Loudness-matched audition: a playback gain only, files are untouched</source>
        <translation>Écoute à intensité sonore égalisée&#xa0;: un simple gain de lecture, les fichiers restent intacts</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Niveau</translation>
    </message>
    <message>
        <source>Put the selected take in slot A (Shift+A)</source>
        <translation>Placer la prise sélectionnée en A (Maj+A)</translation>
    </message>
    <message>
        <source>Put the selected take in slot B (Shift+B)</source>
        <translation>Placer la prise sélectionnée en B (Maj+B)</translation>
    </message>
    <message>
        <source>A⇄B</source>
        <translation>A⇄B</translation>
    </message>
    <message>
        <source>Switch between A and B at the same position (T)</source>
        <translation>Basculer entre A et B à la même position (T)</translation>
    </message>
    <message>
        <source>Stereo image</source>
        <translation>Image stéréo</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Métadonnées</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ Arrêt</translation>
    </message>
    <message>
        <source>Boost limited so the peak stays below 0 dBFS</source>
        <translation>Gain limité pour que la crête reste sous 0 dBFS</translation>
    </message>
    <message>
        <source>Preferences…</source>
        <translation>Préférences…</translation>
    </message>
    <message>
        <source>Preferences saved: a new language applies from the next start</source>
        <translation>Préférences enregistrées&#xa0;: une nouvelle langue s&apos;applique au prochain démarrage</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Vary from this take (as init audio)</source>
        <translation>Varier à partir de cette prise (audio de départ)</translation>
    </message>
    <message>
        <source>Cannot vary %1: the file is gone.</source>
        <translation>Impossible de varier %1&#xa0;: le fichier a disparu.</translation>
    </message>
    <message>
        <source>Varying %1: set the noise level, then Generate</source>
        <translation>Variation de %1&#xa0;: réglez le niveau de bruit, puis Générer</translation>
    </message>
    <message>
        <source>Init audio: %1 (the next generation varies it)</source>
        <translation>Audio de départ&#xa0;: %1 (la prochaine génération le fera varier)</translation>
    </message>
    <message numerus="yes">
        <source>Init audio: %1 (the first of %n dropped files)</source>
        <translation>
            <numerusform>Audio de départ&#xa0;: %1 (le premier des %n fichiers déposés)</numerusform>
            <numerusform>Audio de départ&#xa0;: %1 (le premier des %n fichiers déposés)</numerusform>
        </translation>
    </message>
    <message>
        <source>Open library folder…</source>
        <translation>Ouvrir un dossier de bibliothèque…</translation>
    </message>
    <message>
        <source>Add the takes of a folder rendered elsewhere (read from their sidecars) to the list, with their settings for recall</source>
        <translation>Ajouter à la liste les prises d&apos;un dossier rendu ailleurs (lues dans leurs fichiers sidecar), avec leurs réglages pour les rappeler</translation>
    </message>
    <message>
        <source>Open library folder</source>
        <translation>Ouvrir un dossier de bibliothèque</translation>
    </message>
    <message>
        <source>A library folder is still being read; try again when it is in the list.</source>
        <translation>Un dossier de bibliothèque est encore en cours de lecture&#xa0;; réessayez quand il sera dans la liste.</translation>
    </message>
    <message>
        <source>Reading library folder %1…</source>
        <translation>Lecture du dossier de bibliothèque %1…</translation>
    </message>
    <message>
        <source>Cannot open the library folder: %1</source>
        <translation>Impossible d&apos;ouvrir le dossier de bibliothèque&#xa0;: %1</translation>
    </message>
    <message>
        <source>Adding takes from %1: %2 to go</source>
        <translation>Ajout des prises de %1&#xa0;: encore %2</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) added from %1</source>
        <translation>
            <numerusform>%n prise ajoutée depuis %1</numerusform>
            <numerusform>%n prises ajoutées depuis %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already in the list</source>
        <translation>
            <numerusform>%n déjà dans la liste</numerusform>
            <numerusform>%n déjà dans la liste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%n illisible</numerusform>
            <numerusform>%n illisibles</numerusform>
        </translation>
    </message>
    <message>
        <source>Library folder</source>
        <translation>Dossier de bibliothèque</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) in %1 could not be read and were left out.</source>
        <translation>
            <numerusform>%n prise de %1 est illisible et a été laissée de côté.</numerusform>
            <numerusform>%n prises de %1 sont illisibles et ont été laissées de côté.</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry save</source>
        <translation>Réessayer l&apos;enregistrement</translation>
    </message>
    <message>
        <source>Write the takes that could not be saved (marked ⚠ in the list) to the output folder</source>
        <translation>Écrire dans le dossier de sortie les prises qui n&apos;ont pas pu être enregistrées (marquées ⚠ dans la liste)</translation>
    </message>
    <message>
        <source>Unsaved takes</source>
        <translation>Prises non enregistrées</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) could not be saved and exist only in this window. Close anyway and lose them?</source>
        <translation>
            <numerusform>%n prise n&apos;a pas pu être enregistrée et n&apos;existe que dans cette fenêtre. Fermer quand même et la perdre ?</numerusform>
            <numerusform>%n prises n&apos;ont pas pu être enregistrées et n&apos;existent que dans cette fenêtre. Fermer quand même et les perdre ?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1. %n take(s) not saved: they stay in the list (⚠) until the app is closed; make room, then Take ▸ Retry save.</source>
        <translation>
            <numerusform>%1. %n prise non enregistrée&#xa0;: elle reste dans la liste (⚠) jusqu&apos;à la fermeture de l&apos;application&#xa0;; libérez de la place, puis Prise ▸ Réessayer l&apos;enregistrement.</numerusform>
            <numerusform>%1. %n prises non enregistrées&#xa0;: elles restent dans la liste (⚠) jusqu&apos;à la fermeture de l&apos;application&#xa0;; libérez de la place, puis Prise ▸ Réessayer l&apos;enregistrement.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Non enregistré</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) still not saved: %1</source>
        <translation>
            <numerusform>%n prise toujours non enregistrée&#xa0;: %1</numerusform>
            <numerusform>%n prises toujours non enregistrées&#xa0;: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) saved</source>
        <translation>
            <numerusform>%n prise enregistrée</numerusform>
            <numerusform>%n prises enregistrées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n unfinished file(s) of an interrupted save from %1</source>
        <translation>
            <numerusform>%n fichier inachevé d&apos;un enregistrement interrompu retiré de %1</numerusform>
            <numerusform>%n fichiers inachevés d&apos;un enregistrement interrompu retirés de %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) saved just before the app stopped were added back to the list</source>
        <translation>
            <numerusform>%n prise enregistrée juste avant l&apos;arrêt de l&apos;application a été remise dans la liste</numerusform>
            <numerusform>%n prises enregistrées juste avant l&apos;arrêt de l&apos;application ont été remises dans la liste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) had lost their sidecar file: written again from the metadata in the audio file</source>
        <translation>
            <numerusform>%n prise avait perdu son fichier sidecar&#xa0;: réécrit à partir des métadonnées du fichier audio</numerusform>
            <numerusform>%n prises avaient perdu leur fichier sidecar&#xa0;: réécrit à partir des métadonnées du fichier audio</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saving %n take(s)…</source>
        <translation>
            <numerusform>Enregistrement de %n prise…</numerusform>
            <numerusform>Enregistrement de %n prises…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>footfall::ui::MetadataPanel</name>
    <message>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Prompt négatif</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Moteur</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créée le</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>Réussite</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>Performances</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>Temps (s)</translation>
    </message>
    <message>
        <source>Time (min)</source>
        <translation>Temps (min)</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Processeur</translation>
    </message>
    <message>
        <source>Audio properties</source>
        <translation>Propriétés audio</translation>
    </message>
    <message>
        <source>Sample rate (Hz)</source>
        <translation>Échantillonnage (Hz)</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canaux</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Échantillons</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Forme</translation>
    </message>
    <message>
        <source>Requested duration (s)</source>
        <translation>Durée demandée (s)</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>Durée (s)</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistiques</translation>
    </message>
    <message>
        <source>Sample peak</source>
        <translation>Crête d&apos;échantillon</translation>
    </message>
    <message>
        <source>Peak (dBFS)</source>
        <translation>Crête (dBFS)</translation>
    </message>
    <message>
        <source>RMS</source>
        <translation>RMS</translation>
    </message>
    <message>
        <source>RMS (dBFS)</source>
        <translation>RMS (dBFS)</translation>
    </message>
    <message>
        <source>RMS convention</source>
        <translation>Convention RMS</translation>
    </message>
    <message>
        <source>Loudness</source>
        <translation>Intensité sonore</translation>
    </message>
    <message>
        <source>Phase analysis</source>
        <translation>Analyse de phase</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Réglages</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>Échelle CFG</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Étapes</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Échantillonneur</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>Configuration</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Engine details</source>
        <translation>Détails du moteur</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Copy all fields as text</source>
        <translation>Copier tous les champs en texte</translation>
    </message>
    <message>
        <source>Copy JSON</source>
        <translation>Copier le JSON</translation>
    </message>
    <message>
        <source>Copy the metadata dictionary as JSON</source>
        <translation>Copier les métadonnées au format JSON</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autres</translation>
    </message>
</context>
<context>
    <name>footfall::ui::Player</name>
    <message>
        <source>No audio output: playing silently (playhead and meters only).</source>
        <translation>Pas de sortie audio&#xa0;: lecture silencieuse (tête de lecture et indicateurs seulement).</translation>
    </message>
</context>
<context>
    <name>footfall::ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>The language changes the next time Footfall starts. %1 overrides it for one run.</source>
        <translation>La langue change au prochain démarrage de Footfall. %1 la remplace le temps d&apos;un lancement.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context>
<context>
    <name>footfall::ui::PromptBuilder</name>
    <message>
        <source>Surface</source>
        <translation>Sol</translation>
    </message>
    <message>
        <source>Footwear</source>
        <translation>Chaussures</translation>
    </message>
    <message>
        <source>Gait</source>
        <translation>Démarche</translation>
    </message>
    <message>
        <source>Pace</source>
        <translation>Allure</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Poids</translation>
    </message>
    <message>
        <source>Wet/dry</source>
        <translation>Mouillé/sec</translation>
    </message>
    <message>
        <source>Perspective</source>
        <translation>Perspective</translation>
    </message>
    <message>
        <source>any</source>
        <translation>indifférent</translation>
    </message>
</context>
<context>
    <name>footfall::ui::TakeListModel</name>
    <message>
        <source>proc</source>
        <translation>proc</translation>
    </message>
    <message>
        <source>%1 of 5 stars</source>
        <translation>Note&#xa0;: %1/5</translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation>Sans note</translation>
    </message>
    <message>
        <source>Click a star to rate, the same star again to clear (keys 0–5)</source>
        <translation>Cliquer une étoile pour noter, la même à nouveau pour effacer (touches 0–5)</translation>
    </message>
    <message>
        <source>Draft: Take ▸ Render final renders it at full quality</source>
        <translation>Brouillon&#xa0;: Prise ▸ Rendu final le rend en pleine qualité</translation>
    </message>
    <message>
        <source>Rating, 0–5 stars (keys 0–5)</source>
        <translation>Note, 0 à 5 étoiles (touches 0–5)</translation>
    </message>
    <message>
        <source>Engine: proc = procedural, SAO = Stable Audio Open</source>
        <translation>Moteur&#xa0;: proc = procédural, SAO = Stable Audio Open</translation>
    </message>
    <message>
        <source>Loudness in LUFS: integrated, else over the whole take, else max momentary</source>
        <translation>Intensité sonore en LUFS&#xa0;: intégrée, sinon sur toute la prise, sinon momentanée maximale</translation>
    </message>
    <message>
        <source>Phase correlation of the whole take (−1 … +1)</source>
        <translation>Corrélation de phase de toute la prise (−1 … +1)</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Moteur</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>LUFS</source>
        <translation>LUFS</translation>
    </message>
    <message>
        <source>Corr.</source>
        <translation>Corr.</translation>
    </message>
    <message>
        <source>Varied from %1 (noise level %2)</source>
        <translation>Variante de %1 (niveau de bruit %2)</translation>
    </message>
    <message>
        <source>Not saved: %1
Take ▸ Retry save writes it once there is room.</source>
        <translation>Non enregistrée&#xa0;: %1
Prise ▸ Réessayer l&apos;enregistrement l&apos;écrira dès qu&apos;il y aura de la place.</translation>
    </message>
</context>
<context>
    <name>footfall::ui::WaveformView</name>
    <message>
        <source>Click: move the playhead · Drag: select · Drag the selection (or Alt+drag): drag out to a DAW · Ctrl+wheel or +/−: zoom · wheel: scroll · Esc: clear</source>
        <translation>Clic&#xa0;: déplacer la tête de lecture · Glisser&#xa0;: sélectionner · Glisser la sélection (ou Alt+glisser)&#xa0;: la déposer dans un DAW · Ctrl+molette ou +/−&#xa0;: zoom · molette&#xa0;: défiler · Échap&#xa0;: effacer</translation>
    </message>
    <message>
        <source>Loading the take…</source>
        <translation>Chargement de la prise…</translation>
    </message>
    <message>
        <source>No take selected</source>
        <translation>Aucune prise sélectionnée</translation>
    </message>
    <message>
        <source>   selection %1–%2 s</source>
        <translation>   sélection %1–%2 s</translation>
    </message>
    <message>
        <source>No spectrogram for this take</source>
        <translation>Pas de spectrogramme pour cette prise</translation>
    </message>
    <message>
        <source>Hz (log)</source>
        <translation>Hz (log)</translation>
    </message>
    <message>
        <source>Hz (linear)</source>
        <translation>Hz (linéaire)</translation>
    </message>
</context>
</TS>
