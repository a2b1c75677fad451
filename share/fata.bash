# bash completion for fata, fata-hvt and fata-spt (installed by make install as
# PREFIX/share/bash-completion/completions/fata, with links for the tenders).

# The --KEY options of the unikernel in the current folder (or -f FILE's), from fata help configure.
_fata_keys() {
	fata help configure "$@" 2>/dev/null | grep -oE '^ {7}--[a-z0-9_-]+' | sed 's/^ *//' | sort -u
}

_fata() {
	local cur prev cmd i file=()
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "configure build clean describe query help crunch inspect net package --help --version" -- "$cur"))
		return
	fi
	for ((i = 2; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = -f ] && file=(-f "${COMP_WORDS[i + 1]}")
	done
	case $prev in
	-t | --target) COMPREPLY=($(compgen -W "unix hvt spt" -- "$cur")); return ;;
	-f | --file) COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur") $(compgen -d -- "$cur")); return ;;
	esac
	case $cmd in
	configure | query)
		if [ "$cmd" = query ] && [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -W "packages Makefile main.c unikernel.h manifest.c configure.args" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "-t -f --debug --help $(_fata_keys "${file[@]}")" -- "$cur" | sort -u))
		fi ;;
	build | clean | describe) COMPREPLY=($(compgen -W "-f --help" -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "configure build clean describe query crunch inspect net package" -- "$cur")) ;;
	inspect) COMPREPLY=($(compgen -W "--json" -- "$cur") $(compgen -f -- "$cur")) ;;
	package) COMPREPLY=($(compgen -W "--tar" -- "$cur")) ;;
	crunch) COMPREPLY=($(compgen -W "--name --mtime" -- "$cur") $(compgen -f -- "$cur")) ;;
	net)
		if [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -W "up down list --help" -- "$cur"))
		elif [ "${COMP_WORDS[2]}" = up ]; then
			COMPREPLY=($(compgen -W "--netns --bridge --address --dhcp" -- "$cur"))
		elif [ "${COMP_WORDS[2]}" = down ]; then
			COMPREPLY=($(compgen -W "$(ls "${FATA_NET_STATE:-/run/fata/net}" 2>/dev/null)" -- "$cur"))
		fi ;;
	esac
}

_fata_tender() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null | grep -oE '^  -[-a-z]+(:|=)?' | sed 's/^ *//')" -- "$cur"))
		compopt -o nospace 2>/dev/null
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

complete -F _fata fata
complete -F _fata_tender fata-hvt fata-spt
