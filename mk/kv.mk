# Rules for kv_ro devices (fata configure --kv_ro=crunch|archive|fat). The Makefile fata configure
# writes names, per device, a rule like
#   fata/static_kv.c: $(call fata_kv_files,t) ; $(call fata_kv_crunch,kv,t,$@)
#   kv.tar: $(call fata_kv_files,t)           ; $(call fata_kv_archive,t,$@)
#   kv.img: $(call fata_kv_files,t)           ; $(call fata_kv_fat,t,$@)
# Every entry of an image gets one time: SOURCE_DATE_EPOCH if set, else the newest file's time,
# rounded down to even seconds (FAT's resolution) and not before 1980 (FAT's epoch), so that the
# same folder gives the same bytes. Symbolic links are followed. Needs tar, mkfs.fat (dosfstools)
# and mcopy/mmd (mtools); make depends checks them.

# Every file and folder of DIR: the image is remade when one of them changes.
fata_kv_files = $(shell find -L '$(1)' 2>/dev/null | sed 's/[ :]/\\&/g')

# Sets the shell variable epoch for DIR.
fata_kv_epoch = epoch=$${SOURCE_DATE_EPOCH:-$$(find -L '$(1)' -type f -printf '%Ts\n' | sort -n | tail -1)}; \
	epoch=$${epoch:-315532800}; [ "$$epoch" -ge 315532800 ] || epoch=315532800; \
	epoch=$$((epoch - epoch % 2))

# $(call fata_kv_crunch,NAME,DIR,OUT.c): the folder as C data (fata crunch).
fata_kv_crunch = $(call fata_kv_epoch,$(2)); mkdir -p '$(dir $(3))' && \
	$(FATA) crunch --name '$(1)' --mtime "$$epoch" '$(2)' '$(3)'

# $(call fata_kv_archive,DIR,OUT): a ustar archive, members in name order, owner 0.
fata_kv_archive = $(call fata_kv_epoch,$(1)); rm -f '$(2).tmp' && \
	tar --format=ustar --sort=name --mtime="@$$epoch" --owner=0 --group=0 --numeric-owner \
		--dereference --hard-dereference -C '$(1)' -cf '$(2).tmp' . && mv '$(2).tmp' '$(2)'

# $(call fata_kv_fat,DIR,OUT[,16|32]): a FAT16 image (FAT32 beyond about 25 MB of data, or as
# asked) with 512-byte clusters, folders made and files copied in name order.
define fata_kv_fat
$(call fata_kv_epoch,$(1)); set -e; PATH="$$PATH:/usr/sbin:/sbin"; img="$$(pwd)/$(2).tmp"; \
rm -f "$$img"; \
need=$$(find -L '$(1)' -printf '%s %y\n' | awk '{ n++; if ($$2 == "f") c += int(($$1 + 511) / 512) } \
	END { print c + n + 64 }'); \
fat='$(3)'; if [ -z "$$fat" ]; then fat=16; [ "$$need" -lt 50000 ] || fat=32; fi; \
if [ "$$fat" = 16 ]; then kb=$$((need * 5 / 8 + 1024)); [ $$kb -ge 4096 ] || kb=4096; \
else fat=32; kb=$$((need * 5 / 8 + 2048)); [ $$kb -ge 34816 ] || kb=34816; fi; \
mkfs.fat -C -F $$fat -s 1 -n FATA --invariant -i 46415441 "$$img" $$kb >/dev/null; \
export SOURCE_DATE_EPOCH=$$epoch TZ=UTC MTOOLS_SKIP_CHECK=1; \
(cd '$(1)' && \
find -L . -mindepth 1 -type d | LC_ALL=C sort | sed 's|^\./|::/|' | \
	xargs -r -d '\n' mmd -i "$$img" && \
{ echo .; find -L . -mindepth 1 -type d | LC_ALL=C sort; } | while IFS= read -r d; do \
	to=$${d#.}; to=$${to#/}; \
	find -L "$$d" -mindepth 1 -maxdepth 1 ! -type d | LC_ALL=C sort | \
		xargs -r -d '\n' sh -c 'to=$$1; shift; mcopy -i "$$0" "$$@" "::/$$to"' "$$img" "$$to" \
		|| exit 1; \
done); \
mv "$$img" '$(2)'
endef

# make depends: the tools the images need (installed when run as root on Debian).
.PHONY: fata-kv-depends
fata-kv-depends:
	$(Q)missing=""; \
	command -v tar >/dev/null 2>&1 || missing="$$missing tar"; \
	command -v mkfs.fat >/dev/null 2>&1 || [ -x /usr/sbin/mkfs.fat ] || [ -x /sbin/mkfs.fat ] || \
		missing="$$missing dosfstools"; \
	command -v mcopy >/dev/null 2>&1 || missing="$$missing mtools"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "fata: installing$$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null || exit 1; \
		else \
			echo "fata: missing:$$missing; install them with: sudo apt-get install$$missing" >&2; \
			exit 1; \
		fi; \
	fi
